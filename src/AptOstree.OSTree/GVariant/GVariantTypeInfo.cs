using System.Collections.Concurrent;

namespace AptOstree.OSTree.GVariant;

/// <summary>Alignment, fixed size and members of one GVariant type string (cached).</summary>
internal sealed class GVariantTypeInfo
{
    private static readonly ConcurrentDictionary<string, GVariantTypeInfo> Cache = new(StringComparer.Ordinal);

    private GVariantTypeInfo(string type)
    {
        Type = type;
        Kind = type[0];
        switch (Kind)
        {
            case 'y' or 'b':
                Alignment = 1;
                FixedSize = 1;
                break;
            case 'n' or 'q':
                Alignment = 2;
                FixedSize = 2;
                break;
            case 'i' or 'u' or 'h':
                Alignment = 4;
                FixedSize = 4;
                break;
            case 'x' or 't' or 'd':
                Alignment = 8;
                FixedSize = 8;
                break;
            case 's' or 'o' or 'g':
                Alignment = 1;
                break;
            case 'v':
                Alignment = 8;
                break;
            case 'a':
                Element = Get(type[1..]);
                Alignment = Element.Alignment;
                break;
            case '(' or '{':
                Members = Split(type[1..^1]).Select(Get).ToArray();
                Alignment = Members.Length == 0 ? 1 : Members.Max(m => m.Alignment);
                int offset = 0;
                bool isFixed = true;
                foreach (var m in Members)
                {
                    if (m.FixedSize is not int size)
                    {
                        isFixed = false;
                        break;
                    }

                    offset = Align(offset, m.Alignment) + size;
                }

                if (isFixed)
                {
                    FixedSize = Math.Max(1, Align(offset, Alignment));
                }

                break;
            default:
                throw new ArgumentException($"Unsupported GVariant type '{type}'.", nameof(type));
        }
    }

    public string Type { get; }

    public char Kind { get; }

    public int Alignment { get; }

    /// <summary>Null for variable-size types.</summary>
    public int? FixedSize { get; }

    public GVariantTypeInfo? Element { get; }

    public GVariantTypeInfo[] Members { get; } = [];

    /// <summary>Types and values nest at most this deep, as in GLib (<c>G_VARIANT_MAX_RECURSION_DEPTH</c>).</summary>
    public const int MaxDepth = 128;

    /// <summary>Beyond this many cached types (variant types come from the data), new ones are not cached.</summary>
    internal const int CacheLimit = 4096;

    internal static int CachedTypes => Cache.Count;

    public static GVariantTypeInfo Get(string type) =>
        Cache.TryGetValue(type, out var info) ? info
        : Cache.Count < CacheLimit ? Cache.GetOrAdd(type, static t => new GVariantTypeInfo(t))
        : new GVariantTypeInfo(type);

    /// <summary>
    /// True for a complete type of the supported subset that GLib accepts too: a dict entry has a basic key and one
    /// value, and nothing nests deeper than <see cref="MaxDepth"/>.
    /// </summary>
    public static bool IsValid(string type)
    {
        try
        {
            return type.Length > 0 && EndOfType(type, 0, 1, strict: true) == type.Length && Get(type) is not null;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    public static int Align(int offset, int alignment) => (offset + alignment - 1) & ~(alignment - 1);

    private static List<string> Split(string signature)
    {
        var result = new List<string>();
        int i = 0;
        while (i < signature.Length)
        {
            int end = EndOfType(signature, i);
            result.Add(signature[i..end]);
            i = end;
        }

        return result;
    }

    private static int EndOfType(string s, int i, int depth = 1, bool strict = false)
    {
        if (i >= s.Length)
        {
            throw new ArgumentException($"Truncated GVariant type '{s}'.", nameof(s));
        }

        if (depth > MaxDepth)
        {
            throw new ArgumentException($"GVariant type nests deeper than {MaxDepth} levels.", nameof(s));
        }

        char c = s[i];
        if (c is 'a' or 'm')
        {
            return EndOfType(s, i + 1, depth + 1, strict);
        }

        if (c is '(' or '{')
        {
            char close = c == '(' ? ')' : '}';
            int start = ++i;
            int members = 0;
            while (i < s.Length && s[i] != close)
            {
                if (strict && c == '{' && (members == 2 || (members == 0 && !BasicTypes.Contains(s[i], StringComparison.Ordinal))))
                {
                    throw new ArgumentException($"A dict entry of GVariant type '{s}' needs a basic key type and one value type.", nameof(s));
                }

                i = EndOfType(s, i, depth + 1, strict);
                members++;
            }

            if (i >= s.Length)
            {
                throw new ArgumentException($"Unbalanced GVariant type '{s}'.", nameof(s));
            }

            if (strict && c == '{' && members != 2)
            {
                throw new ArgumentException($"A dict entry of GVariant type '{s}' at {start - 1} needs a key and a value type.", nameof(s));
            }

            return i + 1;
        }

        return "ybnqiuxthdsogv".Contains(c, StringComparison.Ordinal)
            ? i + 1
            : throw new ArgumentException($"Unsupported GVariant type character '{c}' in '{s}'.", nameof(s));
    }

    private const string BasicTypes = "ybnqiuxthdsog";
}
