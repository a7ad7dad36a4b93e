using System.Text;

namespace AptOstree;

/// <summary>
/// Tar entry names as relative paths: normalisation (bytes or text), the check for names that would leave a
/// directory, and display forms of names that are not UTF-8.
/// </summary>
public static class TarPath
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// Turns an archive name into a relative path: leading <c>/</c> are removed (as GNU tar does), empty and
    /// <c>.</c> components dropped, a trailing <c>/</c> dropped. <c>./</c> becomes the empty string. Names with a
    /// <c>..</c> component are returned as they are; use <see cref="IsSafe(string)"/> before using one as a path.
    /// </summary>
    public static string Normalize(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var parts = name.Split('/', StringSplitOptions.RemoveEmptyEntries);
        return string.Join('/', parts.Where(p => p != "."));
    }

    /// <summary>The byte form of <see cref="Normalize(string)"/>: the same rules applied to the archive's bytes.</summary>
    public static byte[] Normalize(ReadOnlySpan<byte> name)
    {
        var result = new byte[name.Length];
        var length = 0;
        foreach (var range in name.Split((byte)'/'))
        {
            var part = name[range];
            if (part.Length == 0 || (part.Length == 1 && part[0] == (byte)'.'))
            {
                continue;
            }

            if (length > 0)
            {
                result[length++] = (byte)'/';
            }

            part.CopyTo(result.AsSpan(length));
            length += part.Length;
        }

        return length == result.Length ? result : result[..length];
    }

    /// <summary>True when the normalised name has no <c>..</c> component and no NUL.</summary>
    public static bool IsSafe(string normalizedPath)
    {
        ArgumentNullException.ThrowIfNull(normalizedPath);
        return !normalizedPath.Contains('\0', StringComparison.Ordinal) && !normalizedPath.Split('/').Contains("..");
    }

    /// <summary>True when the normalised name (bytes) has no <c>..</c> component and no NUL.</summary>
    public static bool IsSafe(ReadOnlySpan<byte> normalizedPath)
    {
        if (normalizedPath.Contains((byte)0))
        {
            return false;
        }

        foreach (var range in normalizedPath.Split((byte)'/'))
        {
            if (normalizedPath[range].SequenceEqual(".."u8))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The parent of a normalised path; empty for top-level names.</summary>
    public static string GetParent(string normalizedPath)
    {
        ArgumentNullException.ThrowIfNull(normalizedPath);
        var i = normalizedPath.LastIndexOf('/');
        return i < 0 ? string.Empty : normalizedPath[..i];
    }

    /// <summary>True when <paramref name="name"/> is valid UTF-8.</summary>
    public static bool IsValidUtf8(ReadOnlySpan<byte> name) => System.Text.Unicode.Utf8.IsValid(name);

    /// <summary>The name decoded as UTF-8, or null when it is not valid UTF-8.</summary>
    public static string? TryDecodeUtf8(ReadOnlySpan<byte> name)
    {
        try
        {
            return StrictUtf8.GetString(name);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }

    /// <summary>The name decoded as UTF-8, invalid bytes replaced by U+FFFD (a lossy view for display).</summary>
    public static string ToDisplayString(ReadOnlySpan<byte> name) => Encoding.UTF8.GetString(name);

    /// <summary>
    /// The name as GNU tar lists it (its default "escape" quoting in a UTF-8 locale, what <c>dpkg-deb -c</c> prints):
    /// printable UTF-8 as it is, a backslash doubled, <c>\a \b \t \n \v \f \r</c> as such, other control characters and
    /// bytes that are not UTF-8 as <c>\ooo</c> octal escapes — so two different names never look alike.
    /// </summary>
    public static string Escape(ReadOnlySpan<byte> name)
    {
        var sb = new StringBuilder(name.Length);
        var rest = name;
        while (!rest.IsEmpty)
        {
            var status = Rune.DecodeFromUtf8(rest, out var rune, out var consumed);
            if (status != System.Buffers.OperationStatus.Done || Rune.IsControl(rune))
            {
                foreach (var b in rest[..consumed])
                {
                    AppendEscaped(sb, b);
                }
            }
            else if (rune.Value == '\\')
            {
                sb.Append(@"\\");
            }
            else
            {
                sb.Append(rune.ToString());
            }

            rest = rest[consumed..];
        }

        return sb.ToString();
    }

    private static void AppendEscaped(StringBuilder sb, byte b)
    {
        var letter = b switch
        {
            0x07 => 'a',
            0x08 => 'b',
            0x09 => 't',
            0x0A => 'n',
            0x0B => 'v',
            0x0C => 'f',
            0x0D => 'r',
            _ => '\0',
        };
        if (letter != '\0')
        {
            sb.Append('\\').Append(letter);
        }
        else
        {
            AppendOctal(sb, b);
        }
    }

    private static void AppendOctal(StringBuilder sb, byte b) =>
        sb.Append('\\').Append((char)('0' + (b >> 6))).Append((char)('0' + ((b >> 3) & 7))).Append((char)('0' + (b & 7)));
}
