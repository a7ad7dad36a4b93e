using System.Runtime.InteropServices;

namespace AptOstree.Deb;

/// <summary>
/// The line-level deb822 grammar, shared by <see cref="Deb822Reader"/> and <see cref="Deb822Paragraph.Parse(string, Deb822ReaderOptions?)"/>.
/// Works on a window of characters; reports when it needs more input to finish a paragraph.
/// </summary>
internal sealed class Deb822Parser
{
    private const int MaxCachedNames = 4096;
    private readonly Dictionary<string, string> _names = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _nameLookup;
    private readonly List<Deb822FieldEntry> _fields = new(32);
    private readonly Deb822ReaderOptions _options;
    private readonly string? _source;

    public Deb822Parser(Deb822ReaderOptions options, string? source)
    {
        _options = options;
        _source = source;
        _nameLookup = _names.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>The 1-based number of the next line to be read.</summary>
    public long LineNumber { get; private set; } = 1;

    internal enum Status
    {
        Paragraph,
        NeedMoreData,
        EndOfInput,
    }

    /// <summary>
    /// Parses the next paragraph from <paramref name="buffer"/>. <paramref name="consumed"/> is how many characters
    /// were used (separators included); with <see cref="Status.NeedMoreData"/> the caller must supply more text and
    /// call again with the unconsumed remainder first.
    /// </summary>
    public Status Next(ReadOnlySpan<char> buffer, bool isFinal, out int consumed, out Deb822Paragraph? paragraph)
    {
        paragraph = null;
        var pos = 0;
        var line = LineNumber;
        while (true)
        {
            // Skip separator lines before the paragraph.
            while (true)
            {
                if (pos == buffer.Length)
                {
                    consumed = pos;
                    LineNumber = line;
                    return isFinal ? Status.EndOfInput : Status.NeedMoreData;
                }

                var nl = buffer[pos..].IndexOf('\n');
                if (nl < 0 && !isFinal)
                {
                    consumed = pos;
                    LineNumber = line;
                    return Status.NeedMoreData;
                }

                var lineEnd = nl < 0 ? buffer.Length : pos + nl;
                if (!IsBlank(buffer[pos..lineEnd]))
                {
                    break;
                }

                pos = nl < 0 ? buffer.Length : lineEnd + 1;
                line++;
            }

            var start = pos;
            var startLine = line;
            var status = ParseBody(buffer, start, isFinal, ref line, out var end);
            if (status == Status.NeedMoreData)
            {
                consumed = start;
                LineNumber = startLine;
                if (buffer.Length - start > _options.MaxParagraphLength)
                {
                    throw new Deb822FormatException(DebErrorCodes.Deb822ParagraphTooLarge, $"paragraph is larger than {_options.MaxParagraphLength} characters.", _source, startLine);
                }

                return status;
            }

            pos = end;
            if (_fields.Count == 0)
            {
                // Only comment lines: nothing to report.
                continue;
            }

            paragraph = Build(buffer[start..end], startLine);
            consumed = end;
            LineNumber = line;
            return Status.Paragraph;
        }
    }

    private Status ParseBody(ReadOnlySpan<char> buffer, int start, bool isFinal, ref long line, out int end)
    {
        _fields.Clear();
        var pos = start;
        var current = -1;
        var commentSinceLastLine = false;
        while (true)
        {
            if (pos == buffer.Length)
            {
                end = pos;
                return isFinal ? Status.Paragraph : Status.NeedMoreData;
            }

            var rest = buffer[pos..];
            var nl = rest.IndexOf('\n');
            if (nl < 0 && !isFinal)
            {
                end = pos;
                return Status.NeedMoreData;
            }

            var lineLength = nl < 0 ? rest.Length : nl;
            var next = nl < 0 ? buffer.Length : pos + nl + 1;
            var text = rest[..lineLength];
            if (IsBlank(text))
            {
                end = pos;
                return Status.Paragraph;
            }

            var first = text[0];
            if (first == ' ' || first == '\t')
            {
                if (current < 0)
                {
                    throw new Deb822FormatException(DebErrorCodes.Deb822ContinuationWithoutField, "continuation line before the first field of the paragraph.", _source, line);
                }

                ref var field = ref CollectionsMarshal.AsSpan(_fields)[current];
                field.RawLength = next - start - field.RawStart;
                field.ValueLength = pos + lineLength - start - field.ValueStart;
                field.HasInterleavedComments |= commentSinceLastLine;
            }
            else if (first == '#' && _options.AllowComments)
            {
                commentSinceLastLine = current >= 0;
                pos = next;
                line++;
                continue;
            }
            else
            {
                var colon = text.IndexOf(':');
                if (colon < 0)
                {
                    throw new Deb822FormatException(DebErrorCodes.Deb822MissingColon, $"line '{Shorten(text)}' is not 'Name: value', a continuation line or an empty line.", _source, line);
                }

                var nameSpan = text[..colon];
                if (!IsValidFieldName(nameSpan))
                {
                    throw new Deb822FormatException(DebErrorCodes.Deb822InvalidFieldName, $"'{Shorten(nameSpan)}' is not a valid field name (US-ASCII 0x21-0x7E, not starting with '#' or '-').", _source, line);
                }

                var name = Intern(nameSpan);
                if (!_options.AllowDuplicateFields)
                {
                    foreach (var existing in _fields)
                    {
                        if (existing.Name.Length == name.Length && string.Equals(existing.Name, name, StringComparison.OrdinalIgnoreCase))
                        {
                            throw new Deb822FormatException(DebErrorCodes.Deb822DuplicateField, "field appears more than once in the paragraph.", _source, line, name);
                        }
                    }
                }

                var valueStart = colon + 1;
                while (valueStart < text.Length && (text[valueStart] == ' ' || text[valueStart] == '\t'))
                {
                    valueStart++;
                }

                _fields.Add(new Deb822FieldEntry
                {
                    Name = name,
                    RawStart = pos - start,
                    RawLength = next - pos,
                    ValueStart = pos - start + valueStart,
                    ValueLength = lineLength - valueStart,
                });
                current = _fields.Count - 1;
            }

            commentSinceLastLine = false;
            pos = next;
            line++;
        }
    }

    private Deb822Paragraph Build(ReadOnlySpan<char> raw, long startLine)
    {
        var text = raw.ToString();
        var entries = _fields.ToArray();
        for (var i = 0; i < entries.Length; i++)
        {
            ref var e = ref entries[i];
            var value = text.AsSpan(e.ValueStart, e.ValueLength);
            var trimmed = value.TrimEnd(" \t\r\n");
            e.ValueLength = trimmed.Length;
        }

        return new Deb822Paragraph(text, entries, _source, startLine);
    }

    private string Intern(ReadOnlySpan<char> name)
    {
        if (_nameLookup.TryGetValue(name, out var cached))
        {
            return cached;
        }

        var s = name.ToString();
        if (_names.Count < MaxCachedNames)
        {
            _names[s] = s;
        }

        return s;
    }

    /// <summary>deb822 field names: US-ASCII 0x21–0x7E except <c>:</c>, not starting with <c>#</c> or <c>-</c>.</summary>
    internal static bool IsValidFieldName(ReadOnlySpan<char> name)
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

    private static bool IsBlank(ReadOnlySpan<char> line) => line.IndexOfAnyExcept(" \t\r") < 0;

    private static string Shorten(ReadOnlySpan<char> text) => text.Length <= 80 ? text.ToString() : string.Concat(text[..77], "...");
}
