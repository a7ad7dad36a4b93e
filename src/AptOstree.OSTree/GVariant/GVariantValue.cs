using System.Buffers.Binary;
using System.Text;

namespace AptOstree.OSTree.GVariant;

/// <summary>
/// A boxed GVariant (<c>v</c>): a type string and a value in the object model of <see cref="GVariantSerializer"/>
/// (<c>byte</c>, <c>bool</c>, <c>short</c>, <c>ushort</c>, <c>int</c>, <c>uint</c>, <c>long</c>, <c>ulong</c>,
/// <c>double</c>, <c>string</c>, <c>byte[]</c> for <c>ay</c>, <c>object[]</c> for arrays, tuples and dict entries,
/// <see cref="GVariantValue"/> for <c>v</c>). Integers are stored as GLib stores them: little-endian.
/// </summary>
/// <param name="Type">The GVariant type string, e.g. <c>s</c> or <c>as</c>.</param>
/// <param name="Value">The value.</param>
public sealed record GVariantValue(string Type, object Value)
{
    /// <summary>A string (<c>s</c>).</summary>
    public static GVariantValue FromString(string value) => new("s", value);

    /// <summary>A boolean (<c>b</c>).</summary>
    public static GVariantValue FromBoolean(bool value) => new("b", value);

    /// <summary>A byte string (<c>ay</c>).</summary>
    public static GVariantValue FromBytes(byte[] value) => new("ay", value);

    /// <summary>A string array (<c>as</c>).</summary>
    public static GVariantValue FromStrings(IEnumerable<string> values) => new("as", values.Cast<object>().ToArray());

    /// <summary>A <c>t</c> stored big-endian, as OSTree stores its own 64-bit fields (timestamps).</summary>
    public static GVariantValue FromUInt64BigEndian(ulong value) => new("t", BinaryPrimitives.ReverseEndianness(value));

    /// <summary>The value as a string when the type is <c>s</c>, <c>o</c> or <c>g</c>.</summary>
    public string? AsString() => Value as string;

    /// <summary>The value as a string array when the type is <c>as</c>.</summary>
    public IReadOnlyList<string>? AsStrings() => Type == "as" && Value is object[] items ? items.Cast<string>().ToArray() : null;

    /// <summary>A short human-readable rendering in the GVariant text format.</summary>
    public override string ToString() => Format(Type, Value);

    internal static string Format(string type, object value)
    {
        switch (value)
        {
            case string s:
                return "'" + s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal) + "'";
            case byte[] bytes:
                return "[" + string.Join(", ", bytes.Select(b => $"0x{b:x2}")) + "]";
            case bool b:
                return b ? "true" : "false";
            case GVariantValue v:
                return "<" + Format(v.Type, v.Value) + ">";
            case object[] items when type.StartsWith('a'):
                string element = type[1..];
                if (element.StartsWith('{'))
                {
                    var info = GVariantTypeInfo.Get(element);
                    return "{" + string.Join(", ", items.Cast<object[]>().Select(e => Format(info.Members[0].Type, e[0]) + ": " + Format(info.Members[1].Type, e[1]))) + "}";
                }

                return "[" + string.Join(", ", items.Select(i => Format(element, i))) + "]";
            case object[] members:
                var tuple = GVariantTypeInfo.Get(type);
                var sb = new StringBuilder("(");
                for (int i = 0; i < members.Length; i++)
                {
                    sb.Append(i > 0 ? ", " : string.Empty).Append(Format(tuple.Members[i].Type, members[i]));
                }

                return sb.Append(members.Length == 1 ? ",)" : ")").ToString();
            default:
                return Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty;
        }
    }
}
