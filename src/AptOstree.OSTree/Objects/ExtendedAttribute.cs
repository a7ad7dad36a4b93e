using System.Text;

namespace AptOstree.OSTree;

/// <summary>An extended attribute as OSTree records it (name without the trailing NUL, raw value).</summary>
/// <param name="Name">The attribute name, e.g. <c>user.comment</c> or <c>security.capability</c>.</param>
/// <param name="Value">The raw value bytes (never empty: libostree drops empty values).</param>
public sealed record ExtendedAttribute(string Name, byte[] Value)
{
    /// <summary>Sorts by name bytes and drops empty values, as libostree canonicalizes xattrs.</summary>
    public static IReadOnlyList<ExtendedAttribute> Canonicalize(IEnumerable<ExtendedAttribute> attributes)
    {
        ArgumentNullException.ThrowIfNull(attributes);
        var list = attributes.Where(a => a.Value.Length > 0).ToList();
        list.Sort((a, b) => Utf8Ordinal.Instance.Compare(a.Name, b.Name));
        return list;
    }

    internal static object[] ToGVariant(IReadOnlyList<ExtendedAttribute> attributes)
    {
        var items = new object[attributes.Count];
        for (int i = 0; i < items.Length; i++)
        {
            var a = attributes[i];
            byte[] name = new byte[Encoding.UTF8.GetByteCount(a.Name) + 1];
            Encoding.UTF8.GetBytes(a.Name, name);
            items[i] = new object[] { name, a.Value };
        }

        return items;
    }

    internal static IReadOnlyList<ExtendedAttribute> FromGVariant(object value, string source)
    {
        var items = (object[])value;
        if (items.Length == 0)
        {
            return [];
        }

        var result = new ExtendedAttribute[items.Length];
        for (int i = 0; i < items.Length; i++)
        {
            var pair = (object[])items[i];
            var name = (byte[])pair[0];
            if (name.Length < 2 || name[^1] != 0 || Array.IndexOf(name, (byte)0) != name.Length - 1)
            {
                throw new OstreeObjectException(OstreeErrorCodes.InvalidObject, source, $"xattr {i} has an empty or malformed name");
            }

            result[i] = new ExtendedAttribute(Encoding.UTF8.GetString(name, 0, name.Length - 1), (byte[])pair[1]);
        }

        return result;
    }

    internal static void ValidateSorted(IReadOnlyList<ExtendedAttribute> attributes, string source)
    {
        for (int i = 1; i < attributes.Count; i++)
        {
            if (Utf8Ordinal.Instance.Compare(attributes[i - 1].Name, attributes[i].Name) >= 0)
            {
                throw new OstreeObjectException(OstreeErrorCodes.InvalidObject, source, $"xattrs are not sorted or contain a duplicate at '{attributes[i].Name}'");
            }
        }
    }
}
