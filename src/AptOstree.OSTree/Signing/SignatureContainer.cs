using AptOstree.OSTree.GVariant;

namespace AptOstree.OSTree;

/// <summary>
/// libostree's signature container, the same for every signature type: an <c>a{sv}</c> (a commit's detached
/// metadata, or <c>summary.sig</c>) whose entry per type (<c>ostree.sign.ed25519</c>, <c>ostree.gpgsigs</c>) is an
/// <c>aay</c> of signatures.
/// </summary>
internal static class SignatureContainer
{
    /// <summary>The signatures under <paramref name="key"/> (an <c>aay</c>) in an <c>a{sv}</c>; empty when there are none.</summary>
    public static IReadOnlyList<byte[]> Read(IReadOnlyList<KeyValuePair<string, GVariantValue>>? metadata, string key) =>
        metadata?.FirstOrDefault(kv => kv.Key == key).Value is { Type: "aay", Value: object[] items }
            ? items.Cast<byte[]>().ToArray()
            : [];

    /// <summary>Parses an <c>a{sv}</c> signature container (a <c>.commitmeta</c> object or <c>summary.sig</c>).</summary>
    public static IReadOnlyList<KeyValuePair<string, GVariantValue>> Parse(ReadOnlySpan<byte> bytes, string sourceName) =>
        ((object[])GVariantSerializer.Deserialize("a{sv}", bytes, sourceName, requireNormalForm: false))
            .Cast<object[]>().Select(e => new KeyValuePair<string, GVariantValue>((string)e[0], (GVariantValue)e[1])).ToArray();

    /// <summary>
    /// <paramref name="existing"/> with <paramref name="signature"/> appended to its <paramref name="key"/> entry
    /// (other keys kept in place, a signature already present not repeated), serialized in normal form.
    /// </summary>
    public static byte[] Append(IReadOnlyList<KeyValuePair<string, GVariantValue>>? existing, byte[] signature, string key)
    {
        var signatures = Read(existing, key).ToList();
        if (!signatures.Any(s => s.AsSpan().SequenceEqual(signature)))
        {
            signatures.Add(signature);
        }

        return Replace(existing, key, signatures);
    }

    /// <summary>
    /// <paramref name="existing"/> with its <paramref name="key"/> entry set to <paramref name="signatures"/> (other keys
    /// kept in place; the entry removed when there are none), serialized in normal form.
    /// </summary>
    public static byte[] Replace(IReadOnlyList<KeyValuePair<string, GVariantValue>>? existing, string key, IReadOnlyList<byte[]> signatures)
    {
        var entries = existing?.ToList() ?? [];
        int index = entries.FindIndex(kv => kv.Key == key);
        var entry = new KeyValuePair<string, GVariantValue>(key, new GVariantValue("aay", signatures.Cast<object>().ToArray()));
        if (signatures.Count == 0)
        {
            if (index >= 0)
            {
                entries.RemoveAt(index);
            }
        }
        else if (index >= 0)
        {
            entries[index] = entry;
        }
        else
        {
            entries.Add(entry);
        }

        return GVariantSerializer.SerializeVarDict(entries);
    }
}
