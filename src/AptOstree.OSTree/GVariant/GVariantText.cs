using System.Buffers.Binary;
using System.Globalization;
using System.Text;
namespace AptOstree.OSTree.GVariant;

/// <summary>
/// The GVariant text format: GLib 2.74's <c>g_variant_print</c> over the values <see cref="GVariantSerializer"/> reads
/// (what ostree's <c>--raw</c> and <c>summary --view</c> print), the byte swap ostree applies before printing on
/// little-endian hosts, and <c>g_variant_parse</c> for the values <c>ostree commit --add-metadata</c> takes.
/// </summary>
public static class GVariantText
{
    /// <summary>The text of <paramref name="value"/> of GVariant type <paramref name="type"/>, as <c>g_variant_print</c> writes it.</summary>
    /// <param name="type">The GVariant type string.</param>
    /// <param name="value">The value as <see cref="GVariantSerializer"/> represents it.</param>
    /// <param name="annotate">Print type annotations where the text alone would not tell the type (<c>uint32 5</c>, <c>@as []</c>).</param>
    public static string Print(string type, object value, bool annotate = true)
    {
        ArgumentException.ThrowIfNullOrEmpty(type);
        ArgumentNullException.ThrowIfNull(value);
        var sb = new StringBuilder();
        Append(sb, type, value, annotate);
        return sb.ToString();
    }

    /// <summary>Every integer byte-reversed, as <c>g_variant_byteswap</c> does (ostree's raw dumps print swapped values).</summary>
    /// <param name="value">A value as <see cref="GVariantSerializer"/> represents it.</param>
    public static object ByteSwap(object value) => value switch
    {
        ulong v => BinaryPrimitives.ReverseEndianness(v),
        long v => BinaryPrimitives.ReverseEndianness(v),
        uint v => BinaryPrimitives.ReverseEndianness(v),
        int v => BinaryPrimitives.ReverseEndianness(v),
        ushort v => BinaryPrimitives.ReverseEndianness(v),
        short v => BinaryPrimitives.ReverseEndianness(v),
        double v => BitConverter.Int64BitsToDouble(BinaryPrimitives.ReverseEndianness(BitConverter.DoubleToInt64Bits(v))),
        GVariantValue v => v with { Value = ByteSwap(v.Value) },
        object[] items => items.Select(ByteSwap).ToArray(),
        _ => value,
    };

    private static void Append(StringBuilder sb, string type, object value, bool annotate)
    {
        switch (type[0])
        {
            case 'a' when value is byte[] bytes:
                AppendBytes(sb, bytes, annotate);
                return;
            case 'a':
                AppendArray(sb, type, (object[])value, annotate);
                return;
            case '(' or '{':
                var members = GVariantSerializer.MemberTypes(type);
                var items = (object[])value;
                sb.Append(type[0]);
                for (int i = 0; i < items.Length; i++)
                {
                    sb.Append(i > 0 ? (type[0] == '{' ? ": " : ", ") : string.Empty);
                    Append(sb, members[i], items[i], annotate);
                }

                sb.Append(items.Length == 1 && type[0] == '(' ? ",)" : type[0] == '(' ? ")" : "}");
                return;
            case 'v':
                var inner = (GVariantValue)value;
                sb.Append('<');
                Append(sb, inner.Type, inner.Value, annotate: true);
                sb.Append('>');
                return;
            case 'b':
                sb.Append((bool)value ? "true" : "false");
                return;
            case 's':
                AppendString(sb, (string)value);
                return;
            case 'o' or 'g':
                sb.Append(annotate ? (type[0] == 'o' ? "objectpath " : "signature ") : string.Empty).Append('\'').Append((string)value).Append('\'');
                return;
            case 'y':
                sb.Append(annotate ? "byte " : string.Empty).Append("0x").Append(((byte)value).ToString("x2", CultureInfo.InvariantCulture));
                return;
            case 'd':
                double number = (double)value;
                string d = double.IsNaN(number) ? "nan" : double.IsInfinity(number) ? (number > 0 ? "inf" : "-inf")
                    : number.ToString("G17", CultureInfo.InvariantCulture).Replace('E', 'e');
                sb.Append(d).Append(d.Contains('.', StringComparison.Ordinal) || d.Contains('e', StringComparison.Ordinal) || d.Contains('n', StringComparison.Ordinal) ? string.Empty : ".0");
                return;
            default:
                string? prefix = type[0] switch { 'n' => "int16 ", 'q' => "uint16 ", 'h' => "handle ", 'u' => "uint32 ", 'x' => "int64 ", 't' => "uint64 ", _ => null };
                sb.Append(annotate && prefix is not null ? prefix : string.Empty).Append(Convert.ToString(value, CultureInfo.InvariantCulture));
                return;
        }
    }

    private static void AppendArray(StringBuilder sb, string type, object[] items, bool annotate)
    {
        bool dictionary = type[1] == '{';
        if (items.Length == 0)
        {
            sb.Append(annotate ? "@" + type + " " : string.Empty).Append(dictionary ? "{}" : "[]");
            return;
        }

        string element = type[1..];
        var entry = dictionary ? GVariantSerializer.MemberTypes(element) : null;
        sb.Append(dictionary ? '{' : '[');
        for (int i = 0; i < items.Length; i++)
        {
            sb.Append(i > 0 ? ", " : string.Empty);
            if (entry is not null)
            {
                var pair = (object[])items[i];
                Append(sb, entry[0], pair[0], annotate);
                sb.Append(": ");
                Append(sb, entry[1], pair[1], annotate);
            }
            else
            {
                Append(sb, element, items[i], annotate);
            }

            annotate = false;
        }

        sb.Append(dictionary ? '}' : ']');
    }

    /// <summary>
    /// Parses one value in the GVariant text format (the subset <see cref="GVariantTextParser"/> describes); the whole
    /// text must be consumed.
    /// </summary>
    /// <exception cref="AptOstreeException">The text is not such a value (<see cref="OstreeErrorCodes.InvalidOption"/>, naming the offset).</exception>
    public static GVariantValue Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return GVariantTextParser.Parse(text);
    }

    /// <summary>An <c>ay</c>: <c>b'…'</c> (g_strescape'd) when its only NUL is its last byte, else a list of bytes.</summary>
    private static void AppendBytes(StringBuilder sb, byte[] bytes, bool annotate)
    {
        int nul = Array.IndexOf(bytes, (byte)0);
        if (bytes.Length > 0 && nul == bytes.Length - 1)
        {
            var text = bytes.AsSpan(0, nul);
            char quote = text.Contains((byte)'\'') ? '"' : '\'';
            sb.Append('b').Append(quote).Append(StrEscape(text)).Append(quote);
            return;
        }

        if (bytes.Length == 0)
        {
            sb.Append(annotate ? "@ay []" : "[]");
            return;
        }

        sb.Append('[');
        for (int i = 0; i < bytes.Length; i++)
        {
            sb.Append(i == 0 ? (annotate ? "byte " : string.Empty) : ", ").Append("0x").Append(bytes[i].ToString("x2", CultureInfo.InvariantCulture));
        }

        sb.Append(']');
    }

    /// <summary>GLib's <c>g_strescape</c>: C escapes for control characters, <c>"</c> and backslash; octal outside printable ASCII.</summary>
    private static string StrEscape(ReadOnlySpan<byte> bytes)
    {
        var sb = new StringBuilder(bytes.Length);
        foreach (byte b in bytes)
        {
            sb.Append(b switch
            {
                (byte)'\b' => "\\b",
                (byte)'\f' => "\\f",
                (byte)'\n' => "\\n",
                (byte)'\r' => "\\r",
                (byte)'\t' => "\\t",
                0x0B => "\\v",
                (byte)'\\' => "\\\\",
                (byte)'"' => "\\\"",
                < 0x20 or >= 0x7F => "\\" + Convert.ToString(b, 8).PadLeft(3, '0'),
                _ => ((char)b).ToString(),
            });
        }

        return sb.ToString();
    }

    /// <summary>A string in single quotes (double when it holds a single quote), non-printable characters escaped.</summary>
    private static void AppendString(StringBuilder sb, string value)
    {
        char quote = value.Contains('\'', StringComparison.Ordinal) ? '"' : '\'';
        sb.Append(quote);
        foreach (var rune in value.EnumerateRunes())
        {
            if (rune.Value == quote || rune.Value == '\\')
            {
                sb.Append('\\');
            }

            if (IsPrintable(rune))
            {
                sb.Append(rune.ToString());
                continue;
            }

            sb.Append('\\').Append(rune.Value switch
            {
                '\a' => "a",
                '\b' => "b",
                '\f' => "f",
                '\n' => "n",
                '\r' => "r",
                '\t' => "t",
                '\v' => "v",
                < 0x10000 => "u" + rune.Value.ToString("x4", CultureInfo.InvariantCulture),
                _ => "U" + rune.Value.ToString("x8", CultureInfo.InvariantCulture),
            });
        }

        sb.Append(quote);
    }

    /// <summary><c>g_unichar_isprint</c>: not a control, format, unassigned or surrogate code point.</summary>
    private static bool IsPrintable(Rune rune) => Rune.GetUnicodeCategory(rune) is not (UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.OtherNotAssigned or UnicodeCategory.Surrogate);
}
