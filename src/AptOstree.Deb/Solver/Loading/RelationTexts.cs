using System.Buffers;
using System.Text;

namespace AptOstree.Deb.Solver;

/// <summary>
/// The eight relationship fields of one <see cref="UniversePackage"/>. Values read by <see cref="PackageStanzaScanner"/>
/// stay as byte ranges of the decoded index until someone asks for the text: the solver only compiles the few
/// thousand versions its search reaches, so most of an index's relationship text never becomes a string.
/// Equality compares the texts, whether they are materialized or not.
/// </summary>
internal sealed class RelationTexts : IEquatable<RelationTexts>
{
    /// <summary>Number of relationship fields (<see cref="RelationField"/>).</summary>
    public const int Count = 8;

    private static readonly SearchValues<byte> LineBreakOrNonAscii = SearchValues.Create([(byte)'\n', .. Enumerable.Range(0x80, 0x80).Select(b => (byte)b)]);

    /// <summary>The materialized texts; allocated on first use (most versions never need one).</summary>
    private string?[]? _texts;
    private readonly ReadOnlyMemory<byte> _data;

    /// <summary>Per field: start and length in <see cref="_data"/> (raw deb822 value, continuation lines included), or length -1.</summary>
    private readonly int[]? _ranges;
    private int _materialized;

    /// <summary>No field set.</summary>
    public static RelationTexts Empty { get; } = new(null);

    /// <summary>An empty set owned by <paramref name="owner"/>.</summary>
    public RelationTexts(object? owner)
    {
        Owner = owner;
        _materialized = (1 << Count) - 1;
    }

    private string?[] Texts
    {
        get
        {
            var texts = Volatile.Read(ref _texts);
            if (texts is null)
            {
                Interlocked.CompareExchange(ref _texts, new string?[Count], null);
                texts = _texts!;
            }

            return texts;
        }
    }

    /// <summary>Fields that stay byte ranges of <paramref name="data"/> until read.</summary>
    public RelationTexts(ReadOnlyMemory<byte> data, int[]? ranges)
    {
        _data = data;
        _ranges = ranges;
    }

    /// <summary>The record this instance belongs to: a record copied with <c>with</c> shares it until it sets a field.</summary>
    public object? Owner { get; private init; }

    /// <summary>The text of <paramref name="field"/> (continuation lines folded), or null when the stanza lacks it.</summary>
    public string? Get(RelationField field)
    {
        int bit = 1 << (int)field;
        if ((Volatile.Read(ref _materialized) & bit) != 0)
        {
            return _texts?[(int)field];
        }

        string? text = Fold(Raw(field));
        Texts[(int)field] = text;
        int seen;
        do
        {
            seen = _materialized;
        }
        while (Interlocked.CompareExchange(ref _materialized, seen | bit, seen) != seen);

        return text;
    }

    /// <summary>True when the stanza has <paramref name="field"/> (without making it a string).</summary>
    public bool Has(RelationField field) =>
        (Volatile.Read(ref _materialized) & (1 << (int)field)) != 0 ? _texts?[(int)field] is not null : Raw(field).Length >= 0;

    /// <summary>
    /// The field as raw UTF-8 (continuation lines not folded; empty when absent) when it has not been made a string
    /// yet; false otherwise (then use <see cref="Get"/>).
    /// </summary>
    public bool TryGetRaw(RelationField field, out ReadOnlySpan<byte> utf8)
    {
        utf8 = default;
        if ((Volatile.Read(ref _materialized) & (1 << (int)field)) != 0)
        {
            return false;
        }

        var raw = Raw(field);
        if (raw.Length >= 0)
        {
            utf8 = _data.Span.Slice(raw.Start, raw.Length);
        }

        return true;
    }

    /// <summary>
    /// The field as raw UTF-8 (continuation lines not folded) when it has not been made a string yet and is plain
    /// ASCII; false otherwise (then use <see cref="Get"/>).
    /// </summary>
    public bool TryGetRawAscii(RelationField field, out ReadOnlySpan<byte> utf8)
    {
        utf8 = default;
        if ((Volatile.Read(ref _materialized) & (1 << (int)field)) != 0)
        {
            return false;
        }

        var raw = Raw(field);
        if (raw.Length < 0)
        {
            return true;
        }

        utf8 = _data.Span.Slice(raw.Start, raw.Length);
        return Ascii.IsValid(utf8);
    }

    /// <summary>A copy owned by <paramref name="owner"/> with <paramref name="field"/> set to <paramref name="text"/>.</summary>
    public RelationTexts With(object owner, RelationField field, string? text)
    {
        var copy = ReferenceEquals(Owner, owner) ? this : Copy(owner);
        copy.Texts[(int)field] = text;
        copy._materialized |= 1 << (int)field;
        return copy;
    }

    /// <inheritdoc />
    public bool Equals(RelationTexts? other)
    {
        if (other is null)
        {
            return false;
        }

        if (ReferenceEquals(this, other))
        {
            return true;
        }

        for (var f = (RelationField)0; (int)f < Count; f++)
        {
            if (!string.Equals(Get(f), other.Get(f), StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as RelationTexts);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = default(HashCode);
        for (var f = (RelationField)0; (int)f < Count; f++)
        {
            hash.Add(Get(f), StringComparer.Ordinal);
        }

        return hash.ToHashCode();
    }

    /// <summary>
    /// A relationship value as text: decoded, trailing blanks dropped, continuation lines each trimmed and joined
    /// with one space (the form <c>PackagesIndexReader</c> gives).
    /// </summary>
    internal static string FoldUtf8(ReadOnlySpan<byte> raw)
    {
        raw = raw.TrimEnd(" \t\r\n"u8);
        if (raw.IndexOfAny(LineBreakOrNonAscii) < 0)
        {
            return Encoding.ASCII.GetString(raw.Trim(" \t\r\f\v"u8));
        }

        string value = Encoding.UTF8.GetString(raw);
        if (value.IndexOf('\n') < 0)
        {
            return value.Trim();
        }

        var sb = new StringBuilder(value.Length);
        bool firstLine = true;
        foreach (var range in value.AsSpan().Split('\n'))
        {
            if (!firstLine)
            {
                sb.Append(' ');
            }

            sb.Append(value.AsSpan()[range].Trim());
            firstLine = false;
        }

        return sb.ToString();
    }

    private (int Start, int Length) Raw(RelationField field) =>
        _ranges is null ? (0, -1) : (_ranges[2 * (int)field], _ranges[(2 * (int)field) + 1]);

    private string? Fold((int Start, int Length) raw) => raw.Length < 0 ? null : FoldUtf8(_data.Span.Slice(raw.Start, raw.Length));

    private RelationTexts Copy(object owner)
    {
        // Without ranges every field not materialized reads as absent.
        var copy = new RelationTexts(_data, _ranges) { Owner = owner };
        for (var f = (RelationField)0; (int)f < Count; f++)
        {
            if ((Volatile.Read(ref _materialized) & (1 << (int)f)) != 0)
            {
                copy.Texts[(int)f] = _texts?[(int)f];
                copy._materialized |= 1 << (int)f;
            }
        }

        return copy;
    }
}
