
namespace AptOstree.Deb.Solver;

/// <summary>
/// Reads a Provides field straight from its raw ASCII bytes into (name, version) pairs for the universe's provider
/// index, without making the field a string. Only the common syntax (<c>name [(= version)]</c>, comma-separated,
/// lower-case names) is read here; for anything else <see cref="TryRead"/> returns false and the caller takes the
/// general path (<see cref="RelationCompiler"/>), which gives the same atoms or the format error.
/// </summary>
internal static class ProvidesReader
{
    /// <summary>One provided name: ranges in the field bytes; version length -1 for an unversioned provide.</summary>
    internal readonly record struct ProvidedName(int NameStart, int NameLength, int VersionStart, int VersionLength);

    /// <summary>Appends the provided names of <paramref name="field"/> to <paramref name="result"/>; false (and nothing appended) for unusual syntax.</summary>
    public static bool TryRead(ReadOnlySpan<byte> field, List<ProvidedName> result)
    {
        int count = result.Count;
        if (!TryReadAll(field, result))
        {
            result.RemoveRange(count, result.Count - count);
            return false;
        }

        return true;
    }

    private static bool TryReadAll(ReadOnlySpan<byte> text, List<ProvidedName> result)
    {
        int pos = SkipSpace(text, 0);
        while (pos < text.Length)
        {
            int nameStart = pos;
            while (pos < text.Length && IsNameByte(text[pos]))
            {
                pos++;
            }

            if (pos == nameStart || !char.IsAsciiLetterOrDigit((char)text[nameStart]) || (pos < text.Length && !IsSpace(text[pos]) && text[pos] is not ((byte)',' or (byte)'(')))
            {
                return false;
            }

            int nameLength = pos - nameStart;
            pos = SkipSpace(text, pos);
            int versionStart = 0, versionLength = -1;
            if (pos < text.Length && text[pos] == '(')
            {
                pos = SkipSpace(text, pos + 1);
                if (pos + 1 >= text.Length || text[pos] != '=')
                {
                    return false;
                }

                pos = SkipSpace(text, pos + 1);
                versionStart = pos;
                while (pos < text.Length && !IsSpace(text[pos]) && text[pos] != ')')
                {
                    pos++;
                }

                versionLength = pos - versionStart;
                if (versionLength == 0 || !IsValidVersion(text.Slice(versionStart, versionLength)))
                {
                    return false;
                }

                pos = SkipSpace(text, pos);
                if (pos == text.Length || text[pos] != ')')
                {
                    return false;
                }

                pos = SkipSpace(text, pos + 1);
            }

            result.Add(new ProvidedName(nameStart, nameLength, versionStart, versionLength));
            if (pos == text.Length)
            {
                return true;
            }

            if (text[pos] != ',')
            {
                return false;
            }

            pos = SkipSpace(text, pos + 1);
            if (pos < text.Length && text[pos] == ',')
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsValidVersion(ReadOnlySpan<byte> version)
    {
        Span<char> chars = version.Length <= 256 ? stackalloc char[version.Length] : new char[version.Length];
        System.Text.Encoding.Latin1.GetChars(version, chars);

        return DebianVersionParser.Split(chars, out _) is null;
    }

    /// <summary>Lower-case names only: the general path lower-cases the others.</summary>
    private static bool IsNameByte(byte b) => b is (>= (byte)'a' and <= (byte)'z') or (>= (byte)'0' and <= (byte)'9') or (byte)'-' or (byte)'+' or (byte)'.' or (byte)'_';

    private static bool IsSpace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r';

    private static int SkipSpace(ReadOnlySpan<byte> text, int pos)
    {
        while (pos < text.Length && IsSpace(text[pos]))
        {
            pos++;
        }

        return pos;
    }
}
