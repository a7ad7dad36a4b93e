using System.Globalization;
using System.Runtime.ExceptionServices;
using System.Text;
using System.Text.Unicode;
using AptOstree.Deb.Apt;

namespace AptOstree.Deb.Solver;

/// <summary>
/// Reads Packages (and EDSP) stanzas straight from the UTF-8 bytes of a decoded index, extracting only the
/// <see cref="StanzaField"/>s: no <c>Deb822Paragraph</c> per stanza, no string for fields nobody reads. The values
/// follow the deb822 grammar of <c>Deb822Reader</c> (leading blanks after the colon dropped, continuation lines
/// kept, trailing white space trimmed) and <see cref="ToPackage"/> applies the same conversions as
/// <see cref="PackagesIndexReader.FromParagraph"/>, so both paths give equal <see cref="UniversePackage"/> records.
/// </summary>
/// <remarks>
/// Structural errors (continuation before the first field, a line without a colon, an invalid field name,
/// invalid UTF-8) are reported like the generic reader; a repeated field is only detected among the extracted ones.
/// </remarks>
internal sealed class PackageStanzaScanner
{
    private const int FieldCount = (int)StanzaField.Sha512 + 1;
    private static readonly (byte[] Name, StanzaField Field)[][] FieldsByLength = BuildFieldTable();

    private readonly ReadOnlyMemory<byte> _data;
    private readonly string _sourceName;
    private readonly int[] _start = new int[FieldCount];
    private readonly int[] _length = new int[FieldCount];
    private readonly Dictionary<string, string> _strings = new(StringComparer.Ordinal);
    private readonly RecentStrings _recent = new();
    private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _stringLookup;
    private char[] _chars = new char[1024];
    private int _position;
    private long _line;

    /// <summary>Scans <paramref name="data"/>; <paramref name="firstLine"/> numbers its first line in messages.</summary>
    public PackageStanzaScanner(ReadOnlyMemory<byte> data, string sourceName, long firstLine = 1)
    {
        _data = data;
        _sourceName = sourceName;
        _line = firstLine;
        _stringLookup = _strings.GetAlternateLookup<ReadOnlySpan<char>>();
        if (data.Span.StartsWith("\uFEFF"u8))
        {
            _position = 3;
        }
    }

    /// <summary>The line of the current stanza's first field.</summary>
    public long StanzaLine { get; private set; }

    /// <summary>The number of the line after the current stanza.</summary>
    public long NextLine => _line;

    /// <summary>Byte offset of the current stanza in the data.</summary>
    public int StanzaStart { get; private set; }

    /// <summary>Byte offset just after the current stanza's last line.</summary>
    public int StanzaEnd { get; private set; }

    /// <summary>
    /// Reads an index decoded to bytes into package records, splitting large indexes at stanza boundaries and
    /// scanning the parts in parallel. The order is the order of the file.
    /// </summary>
    /// <exception cref="InvalidFormatException">A stanza is malformed or lacks Package/Version/Architecture.</exception>
    public static List<UniversePackage> ReadAll(ReadOnlyMemory<byte> data, PackageOrigin? origin, string sourceName, int pin = 500)
    {
        ThrowIfNotUtf8(data.Span, sourceName);
        return ReadAll(data, 1, sourceName, scanner => scanner.ToPackage(origin, pin));
    }

    /// <summary>
    /// Converts every stanza of <paramref name="data"/> (UTF-8 already checked) with <paramref name="convert"/>, in
    /// parallel parts for large data; the order is the order of the text.
    /// </summary>
    public static List<T> ReadAll<T>(ReadOnlyMemory<byte> data, long firstLine, string sourceName, Func<PackageStanzaScanner, T> convert)
    {
        var parts = Split(data, firstLine, Math.Min(Environment.ProcessorCount, 4));
        var results = new List<T>[parts.Count];
        if (parts.Count == 1)
        {
            results[0] = ReadPart(parts[0].Data, parts[0].FirstLine, sourceName, convert);
        }
        else
        {
            var failures = new Exception?[parts.Count];
            Parallel.For(0, parts.Count, i =>
            {
                try
                {
                    results[i] = ReadPart(parts[i].Data, parts[i].FirstLine, sourceName, convert);
                }
                catch (Exception ex)
                {
                    failures[i] = ex;
                }
            });

            // Report the error the sequential reader would have met first.
            if (failures.FirstOrDefault(f => f is not null) is { } first)
            {
                ExceptionDispatchInfo.Throw(first);
            }
        }

        var all = new List<T>(results.Sum(r => r.Count));
        foreach (var r in results)
        {
            all.AddRange(r);
        }

        return all;
    }

    /// <summary>Throws the reader's format error when <paramref name="data"/> is not UTF-8.</summary>
    public static void ThrowIfNotUtf8(ReadOnlySpan<byte> data, string sourceName)
    {
        if (!Utf8.IsValid(data))
        {
            throw new InvalidFormatException(AptErrorCodes.InvalidIndexStanza, $"{sourceName}: malformed stanza: the text is not valid UTF-8.", null, sourceName);
        }
    }

    /// <summary>Advances to the next stanza; false at the end of the data.</summary>
    public bool MoveNext()
    {
        var span = _data.Span;
        while (_position < span.Length)
        {
            int end = LineEnd(span, _position);
            if (!IsBlank(span[_position..end]))
            {
                break;
            }

            _position = Math.Min(end + 1, span.Length);
            _line++;
        }

        if (_position >= span.Length)
        {
            return false;
        }

        StanzaStart = _position;
        StanzaLine = _line;
        Array.Fill(_length, -1);
        int current = -1;
        bool anyField = false;
        while (_position < span.Length)
        {
            int lineEnd = LineEnd(span, _position);
            var text = span[_position..lineEnd];
            if (IsBlank(text))
            {
                break;
            }

            byte first = text[0];
            if (first is (byte)' ' or (byte)'\t')
            {
                if (!anyField)
                {
                    throw Malformed("continuation line before the first field of the paragraph.", _line);
                }

                if (current >= 0)
                {
                    _length[current] = lineEnd - _start[current];
                }
            }
            else
            {
                // One scalar pass over the (short) name finds the colon and checks the name's bytes.
                int colon = -1;
                bool printable = true;
                for (int k = 0; k < text.Length; k++)
                {
                    byte b = text[k];
                    if (b == (byte)':')
                    {
                        colon = k;
                        break;
                    }

                    printable &= b is >= (byte)'!' and <= (byte)'~';
                }

                if (colon < 0)
                {
                    throw Malformed($"line '{Shorten(text)}' is not 'Name: value', a continuation line or an empty line.", _line);
                }

                var name = text[..colon];
                if (!printable || name.IsEmpty || name[0] is (byte)'#' or (byte)'-')
                {
                    throw Malformed($"'{Shorten(name)}' is not a valid field name (US-ASCII 0x21-0x7E, not starting with '#' or '-').", _line);
                }

                current = Identify(name);
                if (current >= 0)
                {
                    if (_length[current] >= 0)
                    {
                        throw Malformed($"field '{Encoding.UTF8.GetString(name)}' appears more than once in the paragraph.", _line);
                    }

                    int valueStart = colon + 1;
                    while (valueStart < text.Length && text[valueStart] is (byte)' ' or (byte)'\t')
                    {
                        valueStart++;
                    }

                    _start[current] = _position + valueStart;
                    _length[current] = text.Length - valueStart;
                }

                anyField = true;
            }

            _position = Math.Min(lineEnd + 1, span.Length);
            _line++;
        }

        StanzaEnd = _position;
        return true;
    }

    /// <summary>True when the current stanza has <paramref name="field"/>.</summary>
    public bool Has(StanzaField field) => _length[(int)field] >= 0;

    /// <summary>The value as <c>Deb822Paragraph.GetValue</c> would return it, then trimmed; null when absent.</summary>
    public string? Trimmed(StanzaField field) =>
        !Has(field) ? null : TryAscii(field, out var ascii) ? Encoding.ASCII.GetString(ascii) : new string(Value(field).Trim());

    /// <summary>Like <see cref="Trimmed"/>, sharing one string per distinct value (architectures, sections, names).</summary>
    public string? TrimmedShared(StanzaField field) =>
        !Has(field) ? null : TryAscii(field, out var ascii) ? _recent.Get(ascii) : Share(Value(field).Trim());

    /// <summary>True when the field is <c>yes</c> (any case).</summary>
    public bool IsYes(StanzaField field) =>
        Has(field) && (TryAscii(field, out var ascii) ? Ascii.EqualsIgnoreCase(ascii, "yes"u8) : Value(field).Trim().Equals("yes", StringComparison.OrdinalIgnoreCase));

    /// <summary>The field as a relationship text: continuation lines joined with one space, each trimmed.</summary>
    public string? Folded(StanzaField field)
    {
        if (!Has(field))
        {
            return null;
        }

        var value = Value(field);
        if (value.IndexOf('\n') < 0)
        {
            return new string(value.Trim());
        }

        var sb = new StringBuilder(value.Length);
        bool firstLine = true;
        foreach (var range in value.Split('\n'))
        {
            if (!firstLine)
            {
                sb.Append(' ');
            }

            sb.Append(value[range].Trim());
            firstLine = false;
        }

        return sb.ToString();
    }

    /// <summary>An integer field, 0 when absent or not a number.</summary>
    public long Int64(StanzaField field) =>
        Has(field) && long.TryParse(Value(field), NumberStyles.Integer, CultureInfo.InvariantCulture, out long n) ? n : 0;

    /// <summary>An integer field, or null when absent or not a number.</summary>
    public int? Int32(StanzaField field) =>
        Has(field) && int.TryParse(Value(field), NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) ? n : null;

    /// <summary>The current stanza as a <see cref="UniversePackage"/> (the conversions of <see cref="PackagesIndexReader.FromParagraph"/>).</summary>
    /// <param name="origin">The index the stanza comes from.</param>
    /// <param name="pin">The pin of the version.</param>
    /// <param name="edsp">For an EDSP stanza: APT's id and the installed state (a version without Filename gets <c>edsp:</c> plus the id).</param>
    public UniversePackage ToPackage(PackageOrigin? origin, int pin = 500, EdspVersionState? edsp = null)
    {
        string name = Required(StanzaField.Package, "Package");
        string version = Required(StanzaField.Version, "Version");
        if (DebianVersionParser.Split(version, out _) is not null)
        {
            throw new InvalidFormatException(AptErrorCodes.InvalidIndexStanza, $"{_sourceName}: package {name} at line {StanzaLine} has an invalid Version '{version}'.", null, _sourceName, $"line {StanzaLine}");
        }

        string architecture = Required(StanzaField.Architecture, "Architecture");
        string? source = !Has(StanzaField.Source) ? null
            : TryAscii(StanzaField.Source, out var sourceBytes) ? AsciiSourceName(sourceBytes, name)
            : SourceName(Value(StanzaField.Source).Trim(), name);
        return new UniversePackage
        {
            Name = name,
            Version = version,
            Architecture = architecture,
            MultiArch = Has(StanzaField.MultiArch) ? Value(StanzaField.MultiArch).Trim() switch
            {
                "same" => MultiArchKind.Same,
                "foreign" => MultiArchKind.Foreign,
                "allowed" => MultiArchKind.Allowed,
                _ => MultiArchKind.None,
            } : MultiArchKind.None,
            Essential = IsYes(StanzaField.Essential),
            Protected = IsYes(StanzaField.Protected) || IsYes(StanzaField.Important),
            Priority = Has(StanzaField.Priority) ? Value(StanzaField.Priority).Trim() switch
            {
                "required" => PackagePriority.Required,
                "important" => PackagePriority.Important,
                "standard" => PackagePriority.Standard,
                "extra" => PackagePriority.Extra,
                _ => PackagePriority.Optional,
            } : PackagePriority.Optional,
            Section = TrimmedShared(StanzaField.Section),
            Source = source ?? name,
            Size = Int64(StanzaField.Size),
            InstalledSize = Int64(StanzaField.InstalledSize),
            Filename = Trimmed(StanzaField.Filename) ?? (edsp is { } e ? "edsp:" + e.AptId : null),
            Sha256 = Trimmed(StanzaField.Sha256),
            Stanza = Has(StanzaField.Md5Sum) || Has(StanzaField.Sha1) || Has(StanzaField.Sha512) ? _data[StanzaStart..StanzaEnd] : default,
            Relations = LazyRelations(),
            Origin = origin,
            Pin = pin,
            AptId = edsp?.AptId,
            IsInstalled = edsp?.Installed ?? false,
            IsHeld = edsp?.Held ?? false,
            IsAutomatic = edsp?.Automatic ?? false,
        };
    }

    /// <summary>The MD5sum, SHA1 and SHA512 fields of the one stanza in <paramref name="stanza"/>.</summary>
    public static IndexFileHashes ScanHashes(ReadOnlyMemory<byte> stanza)
    {
        var scanner = new PackageStanzaScanner(stanza, "stanza");
        return scanner.MoveNext()
            ? new IndexFileHashes(scanner.Trimmed(StanzaField.Md5Sum), scanner.Trimmed(StanzaField.Sha1), scanner.Trimmed(StanzaField.Sha512))
            : IndexFileHashes.None;
    }

    /// <summary>The relationship fields of the current stanza as byte ranges, made strings only when read (<see cref="RelationTexts"/>).</summary>
    private RelationTexts LazyRelations()
    {
        int[]? ranges = null;
        for (int f = 0; f < RelationTexts.Count; f++)
        {
            int field = (int)StanzaField.Depends + f;
            if (_length[field] >= 0)
            {
                if (ranges is null)
                {
                    ranges = new int[2 * RelationTexts.Count];
                    for (int i = 1; i < ranges.Length; i += 2)
                    {
                        ranges[i] = -1;
                    }
                }

                ranges[2 * f] = _start[field];
                ranges[(2 * f) + 1] = _length[field];
            }
        }

        return ranges is null ? RelationTexts.Empty : new RelationTexts(_data, ranges);
    }

    private static List<T> ReadPart<T>(ReadOnlyMemory<byte> data, long firstLine, string sourceName, Func<PackageStanzaScanner, T> convert)
    {
        var scanner = new PackageStanzaScanner(data, sourceName, firstLine);
        var list = new List<T>(data.Length / 700);
        while (scanner.MoveNext())
        {
            list.Add(convert(scanner));
        }

        return list;
    }

    /// <summary>Cuts the data at empty lines (always stanza separators) into about <paramref name="count"/> parts.</summary>
    private static List<(ReadOnlyMemory<byte> Data, long FirstLine)> Split(ReadOnlyMemory<byte> data, long firstLine, int count)
    {
        var parts = new List<(ReadOnlyMemory<byte>, long)>();
        const int MinimumPart = 4 << 20;
        int start = 0;
        long line = firstLine;
        var span = data.Span;
        for (int i = 1; i < count && data.Length / count >= MinimumPart; i++)
        {
            int target = (int)((long)data.Length * i / count);
            if (target <= start)
            {
                continue;
            }

            int separator = span[target..].IndexOf("\n\n"u8);
            if (separator < 0)
            {
                break;
            }

            int cut = target + separator + 1;
            parts.Add((data[start..cut], line));
            line += span[start..cut].Count((byte)'\n');
            start = cut;
        }

        parts.Add((data[start..], line));
        return parts;
    }

    private string Required(StanzaField field, string fieldName)
    {
        // Plain ASCII (nearly always): straight from the bytes; the general path below decides everything else.
        if (TryAscii(field, out var ascii) && !ascii.IsEmpty)
        {
            if (field == StanzaField.Architecture)
            {
                return _recent.Get(ascii);
            }

            if (field == StanzaField.Package && ascii.IndexOfAnyInRange((byte)'A', (byte)'Z') >= 0)
            {
                return Encoding.ASCII.GetString(ascii).ToLowerInvariant();
            }

            return Encoding.ASCII.GetString(ascii);
        }

        if (!Has(field) || Value(field).IsEmpty)
        {
            throw new InvalidFormatException(AptErrorCodes.InvalidIndexStanza, $"{_sourceName}: the stanza at line {StanzaLine} has no {fieldName} field.", null, _sourceName, $"line {StanzaLine}");
        }

        var value = Value(field).Trim();
        if (field == StanzaField.Version)
        {
            return value.ToString();
        }

        if (field != StanzaField.Package)
        {
            return Share(value);
        }

        foreach (char c in value)
        {
            if (char.IsUpper(c) || c > 0x7f)
            {
                return value.ToString().ToLowerInvariant();
            }
        }

        // Names are nearly all distinct: a table to share them would cost more than it saves.
        return value.ToString();
    }

    private string AsciiSourceName(ReadOnlySpan<byte> source, string packageName)
    {
        int space = source.IndexOf((byte)' ');
        var sourceName = space > 0 ? source[..space] : source;
        return RecentStrings.Equal(packageName, sourceName) ? packageName : _recent.Get(sourceName);
    }

    private string SourceName(ReadOnlySpan<char> source, string packageName)
    {
        int space = source.IndexOf(' ');
        var sourceName = space > 0 ? source[..space] : source;
        return sourceName.SequenceEqual(packageName) ? packageName : Share(sourceName);
    }

    private string Share(ReadOnlySpan<char> value)
    {
        if (_stringLookup.TryGetValue(value, out var shared))
        {
            return shared;
        }

        var s = value.ToString();
        _strings[s] = s;
        return s;
    }

    /// <summary>
    /// The value trimmed as <c>Value(field).Trim()</c> would be, as bytes, when it is plain ASCII (then byte and char
    /// trimming agree); false when absent or not ASCII.
    /// </summary>
    private bool TryAscii(StanzaField field, out ReadOnlySpan<byte> value)
    {
        value = default;
        if (_length[(int)field] < 0)
        {
            return false;
        }

        var bytes = _data.Span.Slice(_start[(int)field], _length[(int)field]);

        // The scanner already dropped the blanks after the colon; values rarely end in white space.
        if (!bytes.IsEmpty && (IsTrimmedByte(bytes[0]) || IsTrimmedByte(bytes[^1])))
        {
            bytes = bytes.Trim(" \t\n\v\f\r"u8);
        }

        if (!Ascii.IsValid(bytes))
        {
            return false;
        }

        value = bytes;
        return true;
    }

    /// <summary>The raw deb822 value of a field (continuation lines included, trailing blanks trimmed), decoded.</summary>
    private ReadOnlySpan<char> Value(StanzaField field)
    {
        var bytes = _data.Span.Slice(_start[(int)field], _length[(int)field]).TrimEnd(" \t\r\n"u8);
        if (_chars.Length < bytes.Length)
        {
            _chars = new char[Math.Max(bytes.Length, _chars.Length * 2)];
        }

        int n = Encoding.UTF8.GetChars(bytes, _chars);
        return _chars.AsSpan(0, n);
    }

    private static int Identify(ReadOnlySpan<byte> name)
    {
        if (name.Length >= FieldsByLength.Length)
        {
            return -1;
        }

        // Field names nearly always have their usual case: an exact pass first, ignoring case only when it fails.
        var candidates = FieldsByLength[name.Length];
        foreach (var (candidate, field) in candidates)
        {
            if (candidate[0] == name[0] && name.SequenceEqual(candidate))
            {
                return (int)field;
            }
        }

        foreach (var (candidate, field) in candidates)
        {
            if ((candidate[0] | 0x20) == (name[0] | 0x20) && Ascii.EqualsIgnoreCase(name, candidate))
            {
                return (int)field;
            }
        }

        return -1;
    }

    private static (byte[], StanzaField)[][] BuildFieldTable()
    {
        var names = new (string, StanzaField)[]
        {
            ("Package", StanzaField.Package), ("Version", StanzaField.Version), ("Architecture", StanzaField.Architecture),
            ("Multi-Arch", StanzaField.MultiArch), ("Essential", StanzaField.Essential), ("Protected", StanzaField.Protected),
            ("Important", StanzaField.Important), ("Priority", StanzaField.Priority), ("Section", StanzaField.Section),
            ("Source", StanzaField.Source), ("Size", StanzaField.Size), ("Installed-Size", StanzaField.InstalledSize),
            ("Filename", StanzaField.Filename), ("SHA256", StanzaField.Sha256), ("Depends", StanzaField.Depends),
            ("Pre-Depends", StanzaField.PreDepends), ("Recommends", StanzaField.Recommends), ("Suggests", StanzaField.Suggests),
            ("Conflicts", StanzaField.Conflicts), ("Breaks", StanzaField.Breaks), ("Replaces", StanzaField.Replaces),
            ("Provides", StanzaField.Provides), ("APT-ID", StanzaField.AptId), ("Installed", StanzaField.Installed),
            ("Hold", StanzaField.Hold), ("APT-Pin", StanzaField.AptPin), ("APT-Candidate", StanzaField.AptCandidate),
            ("APT-Automatic", StanzaField.AptAutomatic), ("MD5sum", StanzaField.Md5Sum), ("SHA1", StanzaField.Sha1),
            ("SHA512", StanzaField.Sha512),
        };
        int max = names.Max(n => n.Item1.Length) + 1;
        var table = new (byte[], StanzaField)[max][];
        for (int length = 0; length < max; length++)
        {
            table[length] = names.Where(n => n.Item1.Length == length).Select(n => (Encoding.ASCII.GetBytes(n.Item1), n.Item2)).ToArray();
        }

        return table;
    }

    private static bool IsTrimmedByte(byte b) => b is (byte)' ' or (>= (byte)'\t' and <= (byte)'\r');

    private static int LineEnd(ReadOnlySpan<byte> span, int position)
    {
        int nl = span[position..].IndexOf((byte)'\n');
        return nl < 0 ? span.Length : position + nl;
    }

    private static bool IsBlank(ReadOnlySpan<byte> line) =>
        line.IsEmpty || (line[0] is (byte)' ' or (byte)'\t' or (byte)'\r' && line.IndexOfAnyExcept(" \t\r"u8) < 0);

    private static string Shorten(ReadOnlySpan<byte> text)
    {
        string s = Encoding.UTF8.GetString(text);
        return s.Length <= 80 ? s : string.Concat(s.AsSpan(0, 77), "...");
    }

    private InvalidFormatException Malformed(string what, long line) =>
        new(AptErrorCodes.InvalidIndexStanza, $"{_sourceName}: malformed stanza: line {line}: {what}", null, _sourceName, $"line {line}");
}
