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

    public static GVariantTypeInfo Get(string type) => Cache.GetOrAdd(type, static t => new GVariantTypeInfo(t));

    public static bool IsValid(string type)
    {
        try
        {
            return type.Length > 0 && EndOfType(type, 0) == type.Length && Get(type) is not null;
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

    private static int EndOfType(string s, int i)
    {
        if (i >= s.Length)
        {
            throw new ArgumentException($"Truncated GVariant type '{s}'.", nameof(s));
        }

        char c = s[i];
        if (c is 'a' or 'm')
        {
            return EndOfType(s, i + 1);
        }

        if (c is '(' or '{')
        {
            char close = c == '(' ? ')' : '}';
            i++;
            while (i < s.Length && s[i] != close)
            {
                i = EndOfType(s, i);
            }

            if (i >= s.Length)
            {
                throw new ArgumentException($"Unbalanced GVariant type '{s}'.", nameof(s));
            }

            return i + 1;
        }

        return "ybnqiuxthdsogv".Contains(c, StringComparison.Ordinal)
            ? i + 1
            : throw new ArgumentException($"Unsupported GVariant type character '{c}' in '{s}'.", nameof(s));
    }
}
