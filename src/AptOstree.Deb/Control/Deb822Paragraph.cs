using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace AptOstree.Deb;

/// <summary>
/// One deb822 paragraph (stanza): an ordered list of fields looked up case-insensitively, with the exact source
/// text kept so that writing an unmodified paragraph reproduces its input byte for byte. Immutable:
/// <see cref="With(string, string)"/> and <see cref="Without(string)"/> return new paragraphs.
/// </summary>
public sealed class Deb822Paragraph : IReadOnlyList<Deb822Field>
{
    private readonly Deb822FieldEntry[] _fields;

    internal Deb822Paragraph(string rawText, Deb822FieldEntry[] fields, string? sourceName, long lineNumber)
    {
        RawText = rawText;
        _fields = fields;
        SourceName = sourceName;
        LineNumber = lineNumber;
    }

    /// <summary>An empty paragraph.</summary>
    public static Deb822Paragraph Empty { get; } = new("", [], null, 0);

    /// <summary>
    /// The paragraph's exact text, from its first line through the newline of its last line (comment lines of
    /// control files included). Writing it back reproduces the input.
    /// </summary>
    public string RawText { get; }

    /// <summary>The file or stream the paragraph was read from, when known (used in error messages).</summary>
    public string? SourceName { get; }

    /// <summary>The 1-based line where the paragraph starts in its source, or 0 when it was built in memory.</summary>
    public long LineNumber { get; }

    /// <summary>Number of fields.</summary>
    public int Count => _fields.Length;

    /// <summary>The field names in order.</summary>
    public IEnumerable<string> Names => _fields.Select(f => f.Name);

    /// <summary>The field at <paramref name="index"/> (in source order).</summary>
    public Deb822Field this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, _fields.Length);
            ref readonly var e = ref _fields[index];
            return new Deb822Field(e.Name, ValueOf(e), RawText.Substring(e.RawStart, e.RawLength));
        }
    }

    /// <summary>The value of field <paramref name="name"/> (case-insensitive), or null when absent.</summary>
    public string? this[string name] => GetValue(name);

    /// <summary>Parses text holding exactly one paragraph (blank lines around it are allowed).</summary>
    /// <exception cref="Deb822FormatException">The text is malformed or holds more than one paragraph.</exception>
    public static Deb822Paragraph Parse(string text, Deb822ReaderOptions? options = null) => Parse(text, options, null);

    /// <summary>Builds a paragraph from fields in the given order (values formatted with <see cref="Deb822Values.FormatField"/>).</summary>
    public static Deb822Paragraph Create(IEnumerable<KeyValuePair<string, string>> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        var sb = new StringBuilder();
        foreach (var (name, value) in fields)
        {
            sb.Append(Deb822Values.FormatField(name, value));
        }

        return Parse(sb.ToString(), null, null);
    }

    /// <summary>Builds a paragraph from (name, value) pairs in the given order.</summary>
    public static Deb822Paragraph Create(params (string Name, string Value)[] fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        return Create(fields.Select(f => KeyValuePair.Create(f.Name, f.Value)));
    }

    /// <summary>True when the paragraph has field <paramref name="name"/> (case-insensitive).</summary>
    public bool Contains(string name) => IndexOf(name) >= 0;

    /// <summary>The position of field <paramref name="name"/> (case-insensitive), or -1.</summary>
    public int IndexOf(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var fields = _fields;
        for (var i = 0; i < fields.Length; i++)
        {
            if (ReferenceEquals(fields[i].Name, name))
            {
                return i;
            }
        }

        for (var i = 0; i < fields.Length; i++)
        {
            if (fields[i].Name.Length == name.Length && string.Equals(fields[i].Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>The value of field <paramref name="name"/>, or null when absent.</summary>
    public string? GetValue(string name)
    {
        var i = IndexOf(name);
        return i < 0 ? null : ValueOf(_fields[i]);
    }

    /// <summary>Gets the value of field <paramref name="name"/>.</summary>
    public bool TryGetValue(string name, [NotNullWhen(true)] out string? value)
    {
        value = GetValue(name);
        return value is not null;
    }

    /// <summary>
    /// Gets the value of <paramref name="name"/> as a slice of <see cref="RawText"/> without allocating (unless comment
    /// lines sit inside the value).
    /// </summary>
    public bool TryGetValueMemory(string name, out ReadOnlyMemory<char> value)
    {
        var i = IndexOf(name);
        if (i < 0)
        {
            value = default;
            return false;
        }

        ref readonly var e = ref _fields[i];
        value = e.HasInterleavedComments ? ValueOf(e).AsMemory() : RawText.AsMemory(e.ValueStart, e.ValueLength);
        return true;
    }

    /// <summary>The value of a field that must be present.</summary>
    /// <exception cref="Deb822FormatException">The field is missing (code <c>AO2304</c>).</exception>
    public string GetRequiredValue(string name) =>
        GetValue(name) ?? throw new Deb822FormatException(DebErrorCodes.Deb822MissingField, "required field is missing.", SourceName, LineNumber, name);

    /// <summary>The folded value of a field (<see cref="Deb822Values.Fold"/>), or null when absent.</summary>
    public string? GetFoldedValue(string name) => GetValue(name) is { } v ? Deb822Values.Fold(v) : null;

    /// <summary>The lines of a multiline field (<see cref="Deb822Values.SplitLines"/>), or null when absent.</summary>
    public IReadOnlyList<string>? GetLines(string name) => GetValue(name) is { } v ? Deb822Values.SplitLines(v) : null;

    /// <summary>
    /// A copy with field <paramref name="name"/> set to <paramref name="value"/>: replaced in place when present
    /// (other fields keep their exact text), appended otherwise.
    /// </summary>
    public Deb822Paragraph With(string name, string value)
    {
        var formatted = Deb822Values.FormatField(name, value);
        var i = IndexOf(name);
        string text;
        if (i < 0)
        {
            text = RawText.Length == 0 || RawText.EndsWith('\n') ? RawText + formatted : RawText + "\n" + formatted;
        }
        else
        {
            ref readonly var e = ref _fields[i];
            var tail = RawText[(e.RawStart + e.RawLength)..];
            text = string.Concat(RawText.AsSpan(0, e.RawStart), formatted, tail);
        }

        return Parse(text, SourceOptions, SourceName);
    }

    /// <summary>A copy without field <paramref name="name"/> (the same paragraph when it is absent).</summary>
    public Deb822Paragraph Without(string name)
    {
        var i = IndexOf(name);
        if (i < 0)
        {
            return this;
        }

        ref readonly var e = ref _fields[i];
        return Parse(RawText.Remove(e.RawStart, e.RawLength), SourceOptions, SourceName);
    }

    /// <summary>The fields in source order.</summary>
    public IEnumerator<Deb822Field> GetEnumerator()
    {
        for (var i = 0; i < _fields.Length; i++)
        {
            yield return this[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>The paragraph's text (<see cref="RawText"/>).</summary>
    public override string ToString() => RawText;

    // Edits keep comment lines, so re-parse them as a control file would.
    private static Deb822ReaderOptions SourceOptions { get; } = new() { AllowComments = true };

    private static Deb822Paragraph Parse(string text, Deb822ReaderOptions? options, string? source)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parser = new Deb822Parser(options ?? Deb822ReaderOptions.Default, source);
        var span = text.AsSpan();
        var status = parser.Next(span, isFinal: true, out var consumed, out var paragraph);
        if (status == Deb822Grammar.Status.EndOfInput)
        {
            return Empty;
        }

        if (parser.Next(span[consumed..], isFinal: true, out _, out var second) != Deb822Grammar.Status.EndOfInput)
        {
            throw new Deb822FormatException(DebErrorCodes.Deb822MultipleParagraphs, "text holds more than one paragraph.", source, second?.LineNumber ?? 0);
        }

        return paragraph!;
    }

    private string ValueOf(in Deb822FieldEntry e)
    {
        if (!e.HasInterleavedComments)
        {
            return RawText.Substring(e.ValueStart, e.ValueLength);
        }

        // Drop comment lines that sit between the value's lines.
        var sb = new StringBuilder(e.ValueLength);
        var value = RawText.AsSpan(e.ValueStart, e.ValueLength);
        var firstLine = true;
        foreach (var range in value.Split('\n'))
        {
            var line = value[range];
            if (!firstLine && line.Length > 0 && line[0] == '#')
            {
                continue;
            }

            if (!firstLine)
            {
                sb.Append('\n');
            }

            sb.Append(line);
            firstLine = false;
        }

        return sb.ToString();
    }
}
