using System.Runtime.CompilerServices;

namespace AptOstree.Deb;

/// <summary>
/// The deb822 line grammar of the SDK, one implementation for the byte-level Packages scanner
/// (<c>PackageStanzaScanner</c>, UTF-8 bytes) and the general reader (<see cref="Deb822Reader"/>, characters):
/// paragraphs separated by blank lines (only spaces, tabs or CRs), <c>Name: value</c> field lines, continuation lines
/// starting with a space or tab, and, where allowed, <c>#</c> comment lines. Names are US-ASCII 0x21–0x7E, not
/// starting with <c>#</c> or <c>-</c>. What to keep of the fields is the <see cref="IDeb822LineSink{T}"/>'s business.
/// </summary>
internal static class Deb822Grammar
{
    /// <summary>The outcome of <see cref="Next"/>.</summary>
    public enum Status
    {
        /// <summary>A paragraph was read.</summary>
        Paragraph,

        /// <summary>The data ends inside a line or paragraph that is not final: call again with more.</summary>
        NeedMoreData,

        /// <summary>No paragraph is left.</summary>
        EndOfInput,
    }

    /// <summary>
    /// Reads the next paragraph of <paramref name="data"/> from <paramref name="position"/>, reporting its lines to
    /// <paramref name="sink"/>. On <see cref="Status.Paragraph"/>, <paramref name="start"/> is its first line and
    /// <paramref name="position"/> is past its last line; <paramref name="line"/> counts the lines passed. On
    /// <see cref="Status.NeedMoreData"/>, <paramref name="position"/> and <paramref name="line"/> stay at the
    /// paragraph's first line (the sink has seen a partial paragraph and must forget it).
    /// </summary>
    /// <remarks>
    /// JIT-compiled optimized at once (like <see cref="RelationReader"/>'s readers): unoptimized tier-0 code would
    /// call <see cref="TextUnit"/> for every unit, and a one-second process reads most of its text before tiering up.
    /// Native AOT ignores the attribute.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Status Next<T, TSink>(ReadOnlySpan<T> data, ref int position, ref long line, bool isFinal, bool allowComments, ref TSink sink, out int start, out long startLine)
        where T : unmanaged, IEquatable<T>
        where TSink : struct, IDeb822LineSink<T>
    {
        T newline = TextUnit.From<T>('\n');
        int pos = position;
        long lineNumber = line;
        while (true)
        {
            // Blank lines before the paragraph.
            while (true)
            {
                start = pos;
                startLine = lineNumber;
                if (pos >= data.Length)
                {
                    position = pos;
                    line = lineNumber;
                    return isFinal ? Status.EndOfInput : Status.NeedMoreData;
                }

                int nl = data[pos..].IndexOf(newline);
                if (nl < 0 && !isFinal)
                {
                    position = pos;
                    line = lineNumber;
                    return Status.NeedMoreData;
                }

                int end = nl < 0 ? data.Length : pos + nl;
                if (!IsBlank(data[pos..end]))
                {
                    break;
                }

                pos = nl < 0 ? data.Length : end + 1;
                lineNumber++;
            }

            startLine = lineNumber;
            bool anyField = false;
            bool commentSinceLastLine = false;
            while (true)
            {
                if (pos >= data.Length)
                {
                    if (!isFinal)
                    {
                        // The paragraph may go on in data not read yet.
                        position = start;
                        line = startLine;
                        return Status.NeedMoreData;
                    }

                    break;
                }

                int nl = data[pos..].IndexOf(newline);
                if (nl < 0 && !isFinal)
                {
                    position = start;
                    line = startLine;
                    return Status.NeedMoreData;
                }

                int lineEnd = nl < 0 ? data.Length : pos + nl;
                int next = nl < 0 ? data.Length : lineEnd + 1;
                var text = data[pos..lineEnd];
                if (IsBlank(text))
                {
                    break;
                }

                int first = TextUnit.Code(text[0]);
                if (first is ' ' or '\t')
                {
                    if (!anyField)
                    {
                        throw sink.Malformed(Deb822Malformation.ContinuationWithoutField, lineNumber, text);
                    }

                    sink.Continuation(lineEnd, commentSinceLastLine);
                }
                else if (allowComments && first == '#')
                {
                    commentSinceLastLine = anyField;
                    pos = next;
                    lineNumber++;
                    continue;
                }
                else
                {
                    // One pass over the (short) name finds the colon and checks the name's units.
                    int colon = -1;
                    bool printable = true;
                    for (int k = 0; k < text.Length; k++)
                    {
                        int c = TextUnit.Code(text[k]);
                        if (c == ':')
                        {
                            colon = k;
                            break;
                        }

                        printable &= c is >= '!' and <= '~';
                    }

                    if (colon < 0)
                    {
                        throw sink.Malformed(Deb822Malformation.MissingColon, lineNumber, text);
                    }

                    if (!printable || colon == 0 || first is '#' or '-')
                    {
                        throw sink.Malformed(Deb822Malformation.InvalidFieldName, lineNumber, text[..colon]);
                    }

                    int valueStart = colon + 1;
                    while (valueStart < text.Length && TextUnit.Code(text[valueStart]) is ' ' or '\t')
                    {
                        valueStart++;
                    }

                    sink.Field(data, pos, pos + colon, pos + valueStart, lineEnd, lineNumber);
                    anyField = true;
                }

                commentSinceLastLine = false;
                pos = next;
                lineNumber++;
            }

            if (anyField)
            {
                position = pos;
                line = lineNumber;
                return Status.Paragraph;
            }

            // Only comment lines: nothing to report; go on with the next paragraph.
        }
    }

    /// <summary>The message of a malformed line, the same whichever reader met it.</summary>
    public static string Describe(Deb822Malformation kind, string text) => kind switch
    {
        Deb822Malformation.ContinuationWithoutField => "continuation line before the first field of the paragraph.",
        Deb822Malformation.MissingColon => $"line '{Shorten(text)}' is not 'Name: value', a continuation line or an empty line.",
        _ => $"'{Shorten(text)}' is not a valid field name (US-ASCII 0x21-0x7E, not starting with '#' or '-').",
    };

    /// <summary>deb822 field names: US-ASCII 0x21–0x7E except <c>:</c>, not starting with <c>#</c> or <c>-</c>.</summary>
    public static bool IsValidFieldName(ReadOnlySpan<char> name)
    {
        if (name.IsEmpty || name[0] == '#' || name[0] == '-')
        {
            return false;
        }

        foreach (var c in name)
        {
            if (c < '!' || c > '~' || c == ':')
            {
                return false;
            }
        }

        return true;
    }

    private static string Shorten(string text) => text.Length <= 80 ? text : string.Concat(text.AsSpan(0, 77), "...");

    /// <summary>Only spaces, tabs or CRs; a field line (nearly every line) is told apart by its first unit alone.</summary>
    private static bool IsBlank<T>(ReadOnlySpan<T> line)
        where T : unmanaged, IEquatable<T> =>
        line.IsEmpty || (TextUnit.Code(line[0]) is ' ' or '\t' or '\r'
            && line.IndexOfAnyExcept(TextUnit.From<T>(' '), TextUnit.From<T>('\t'), TextUnit.From<T>('\r')) < 0);
}
