using System.Runtime.InteropServices;

namespace AptOstree.Deb;

/// <summary>
/// Builds <see cref="Deb822Paragraph"/>s from the lines <see cref="Deb822Grammar"/> finds in a window of characters,
/// for <see cref="Deb822Reader"/> and <see cref="Deb822Paragraph.Parse(string, Deb822ReaderOptions?)"/>; reports when it
/// needs more input to finish a paragraph.
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

    /// <summary>
    /// Parses the next paragraph from <paramref name="buffer"/>. <paramref name="consumed"/> is how many characters
    /// were used (separators included); with <see cref="Deb822Grammar.Status.NeedMoreData"/> the caller must supply
    /// more text and call again with the unconsumed remainder first.
    /// </summary>
    public Deb822Grammar.Status Next(ReadOnlySpan<char> buffer, bool isFinal, out int consumed, out Deb822Paragraph? paragraph)
    {
        paragraph = null;
        _fields.Clear();
        int position = 0;
        long line = LineNumber;
        var sink = new Sink(this);
        var status = Deb822Grammar.Next(buffer, ref position, ref line, isFinal, _options.AllowComments, ref sink, out int start, out long startLine);
        consumed = position;
        LineNumber = line;
        if (status == Deb822Grammar.Status.NeedMoreData && buffer.Length - position > _options.MaxParagraphLength)
        {
            throw new Deb822FormatException(DebErrorCodes.Deb822ParagraphTooLarge, $"paragraph is larger than {_options.MaxParagraphLength} characters.", _source, startLine);
        }

        if (status == Deb822Grammar.Status.Paragraph)
        {
            paragraph = Build(buffer[start..position], start, startLine);
        }

        return status;
    }

    /// <summary>deb822 field names: US-ASCII 0x21–0x7E except <c>:</c>, not starting with <c>#</c> or <c>-</c>.</summary>
    internal static bool IsValidFieldName(ReadOnlySpan<char> name) => Deb822Grammar.IsValidFieldName(name);

    private Deb822Paragraph Build(ReadOnlySpan<char> raw, int offset, long startLine)
    {
        var text = raw.ToString();
        var entries = _fields.ToArray();
        for (var i = 0; i < entries.Length; i++)
        {
            ref var e = ref entries[i];
            e.RawStart -= offset;
            e.ValueStart -= offset;
            e.ValueLength = text.AsSpan(e.ValueStart, e.ValueLength).TrimEnd(" \t\r\n").Length;
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

    /// <summary>Records every field with offsets in the window (made relative to the paragraph by <see cref="Build"/>).</summary>
    private struct Sink(Deb822Parser parser) : IDeb822LineSink<char>
    {
        private int _length;

        public void Field(ReadOnlySpan<char> data, int lineStart, int colon, int valueStart, int lineEnd, long line)
        {
            _length = data.Length;
            var name = parser.Intern(data[lineStart..colon]);
            if (!parser._options.AllowDuplicateFields)
            {
                foreach (var existing in parser._fields)
                {
                    if (existing.Name.Length == name.Length && string.Equals(existing.Name, name, StringComparison.OrdinalIgnoreCase))
                    {
                        throw new Deb822FormatException(DebErrorCodes.Deb822DuplicateField, "field appears more than once in the paragraph.", parser._source, line, name);
                    }
                }
            }

            parser._fields.Add(new Deb822FieldEntry
            {
                Name = name,
                RawStart = lineStart,
                RawLength = Math.Min(lineEnd + 1, _length) - lineStart,
                ValueStart = valueStart,
                ValueLength = lineEnd - valueStart,
            });
        }

        public readonly void Continuation(int lineEnd, bool afterComment)
        {
            ref var field = ref CollectionsMarshal.AsSpan(parser._fields)[^1];
            field.RawLength = Math.Min(lineEnd + 1, _length) - field.RawStart;
            field.ValueLength = lineEnd - field.ValueStart;
            field.HasInterleavedComments |= afterComment;
        }

        public readonly Exception Malformed(Deb822Malformation kind, long line, ReadOnlySpan<char> text) => new Deb822FormatException(
            kind switch
            {
                Deb822Malformation.ContinuationWithoutField => DebErrorCodes.Deb822ContinuationWithoutField,
                Deb822Malformation.MissingColon => DebErrorCodes.Deb822MissingColon,
                _ => DebErrorCodes.Deb822InvalidFieldName,
            },
            Deb822Grammar.Describe(kind, text.ToString()),
            parser._source,
            line);
    }
}
