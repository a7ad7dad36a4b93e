using System.Buffers;
using System.Text;

namespace AptOstree.Deb.Solver;

/// <summary>
/// The order in which APT's cache generator first meets each package name: a stanza's own name, then the
/// targets of its Pre-Depends, Depends, Conflicts, Breaks, Recommends, Suggests and Replaces, then its Provides.
/// APT numbers packages in that order, and its <c>CompareProviders</c> falls back to the higher number when
/// nothing else separates two providers.
/// </summary>
internal static class PackageMentionOrder
{
    private static readonly SearchValues<char> NameEnd = SearchValues.Create(" \t\n(:[<");

    /// <summary>Maps every mentioned name (or only those in <paramref name="only"/>) to its position in first-mention order.</summary>
    public static Dictionary<string, int> Build(IReadOnlyList<UniversePackage> packages, HashSet<string>? only = null)
    {
        var order = new Dictionary<string, int>(only?.Count ?? packages.Count * 2, StringComparer.Ordinal);
        var lookup = new Numbering(order, only);
        Span<char> name = stackalloc char[256];
        foreach (var p in packages)
        {
            if (lookup.Done)
            {
                break;
            }

            lookup.Add(p.Name);
            foreach (var field in FieldOrder)
            {
                // Reading the index bytes keeps the texts the solver never compiles from becoming strings.
                if (p.Relations.TryGetRaw(field, out var raw) && raw.IndexOfAnyExcept(PlainAscii) < 0)
                {
                    AddTargets(lookup, raw, name);
                }
                else
                {
                    AddTargets(lookup, p.Relations.Get(field));
                }
            }
        }

        return order;
    }

    private static readonly RelationField[] FieldOrder =
    [
        RelationField.PreDepends, RelationField.Depends, RelationField.Conflicts, RelationField.Breaks,
        RelationField.Recommends, RelationField.Suggests, RelationField.Replaces, RelationField.Provides,
    ];

    /// <summary>Printable ASCII, tab and line feed: other text (non-ASCII, other controls, which folding treats differently) goes the text way.</summary>
    private static readonly SearchValues<byte> PlainAscii = SearchValues.Create([(byte)'\t', (byte)'\n', .. Enumerable.Range(0x20, 0x60).Select(b => (byte)b)]);

    /// <summary>Per byte: true when it ends a name in a relationship field (blank, qualifier, version, restriction, separator).</summary>
    private static readonly bool[] NameEndTable = BuildNameEndTable();

    private static bool[] BuildNameEndTable()
    {
        var table = new bool[256];
        foreach (byte b in " \t\n(:[<,|"u8)
        {
            table[b] = true;
        }

        return table;
    }

    /// <summary>Like the text overload, over the raw ASCII bytes of a field (continuation lines not yet folded).</summary>
    private static void AddTargets(Numbering lookup, ReadOnlySpan<byte> field, Span<char> buffer)
    {
        // Per term: skip blanks, take the (short) name with a table lookup per byte, jump to the next separator.
        var nameEnd = NameEndTable;
        int pos = 0;
        while (pos < field.Length)
        {
            while (pos < field.Length && field[pos] is (byte)' ' or (byte)'\t' or (byte)'\n')
            {
                pos++;
            }

            int start = pos;
            while (pos < field.Length && !nameEnd[field[pos]])
            {
                pos++;
            }

            var name = field[start..pos];
            int separator = field[pos..].IndexOfAny((byte)',', (byte)'|');
            pos = separator < 0 ? field.Length : pos + separator + 1;
            if (name.IsEmpty || !lookup.MayHold(name))
            {
                continue;
            }

            var chars = name.Length <= buffer.Length ? buffer[..name.Length] : new char[name.Length];
            Encoding.Latin1.GetChars(name, chars);
            lookup.Add(chars);
        }
    }

    private static void AddTargets(Numbering lookup, string? field)
    {
        if (field is null)
        {
            return;
        }

        var rest = field.AsSpan();
        while (!rest.IsEmpty)
        {
            int end = rest.IndexOfAny(',', '|');
            var term = (end < 0 ? rest : rest[..end]).TrimStart();
            rest = end < 0 ? [] : rest[(end + 1)..];
            int nameEnd = term.IndexOfAny(NameEnd);
            var name = nameEnd < 0 ? term : term[..nameEnd];
            if (!name.IsEmpty)
            {
                lookup.Add(name);
            }
        }
    }

    /// <summary>
    /// Numbers names on first sight; with a filter, only the names it holds. The filter's names are also counted in a
    /// small sketch (per hash slot, how many are still unnumbered), so that a mention of a name that is not wanted, or
    /// is numbered already, is mostly rejected without a lookup; the scan stops once every wanted name has its number.
    /// </summary>
    private sealed class Numbering
    {
        private const int SketchSlots = 1 << 16;
        private readonly Dictionary<string, int> _order;
        private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _orderLookup;
        private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _only;
        private readonly bool _filtered;
        private readonly byte[]? _unnumbered;
        private int _remaining;

        public Numbering(Dictionary<string, int> order, HashSet<string>? only)
        {
            _order = order;
            _orderLookup = order.GetAlternateLookup<ReadOnlySpan<char>>();
            if (only is null)
            {
                return;
            }

            _filtered = true;
            _only = only.GetAlternateLookup<ReadOnlySpan<char>>();
            _remaining = only.Count;
            _unnumbered = new byte[SketchSlots];
            foreach (var name in only)
            {
                // The byte path only reads ASCII fields, where another name cannot be mentioned.
                if (name.Length > 0 && Ascii.IsValid(name))
                {
                    ref byte count = ref _unnumbered[Slot(name.Length, name[0], name[^1], name[name.Length / 2])];
                    count = (byte)Math.Min(count + 1, byte.MaxValue);
                }
            }
        }

        /// <summary>True when every wanted name has its number: the rest of the packages cannot change the order.</summary>
        public bool Done => _filtered && _remaining == 0;

        /// <summary>False when <paramref name="name"/> (ASCII) is certainly not a wanted name that is still unnumbered.</summary>
        public bool MayHold(ReadOnlySpan<byte> name) =>
            _unnumbered is null || _unnumbered[Slot(name.Length, name[0], name[^1], name[name.Length / 2])] != 0;

        public void Add(ReadOnlySpan<char> name)
        {
            if (!_filtered)
            {
                _orderLookup.TryAdd(name, _order.Count);
                return;
            }

            if (!_only.TryGetValue(name, out var known) || !_order.TryAdd(known, _order.Count))
            {
                return;
            }

            _remaining--;
            if (Ascii.IsValid(known))
            {
                // A saturated count stays: the slot then keeps admitting mentions, which is only slower.
                ref byte count = ref _unnumbered![Slot(known.Length, known[0], known[^1], known[known.Length / 2])];
                if (count != byte.MaxValue)
                {
                    count--;
                }
            }
        }

        private static int Slot(int length, int first, int last, int middle) =>
            (int)(RecentStrings.ShortValueHash(length, first, last, middle) & (SketchSlots - 1));
    }
}
