using System.Buffers.Binary;
using AptOstree.OSTree.GVariant;

namespace AptOstree.OSTree;

/// <summary>A commit object <c>(a{sv}aya(say)sstayay)</c>.</summary>
/// <param name="Metadata">Commit metadata in stored order (libostree keeps builder order; the checksum depends on it).</param>
/// <param name="Parent">The parent commit, if any.</param>
/// <param name="Subject">One-line subject.</param>
/// <param name="Body">Longer description.</param>
/// <param name="Timestamp">Seconds since the Unix epoch (UTC).</param>
/// <param name="RootTree">The root dirtree.</param>
/// <param name="RootMeta">The root dirmeta.</param>
public sealed record OstreeCommit(
    IReadOnlyList<KeyValuePair<string, GVariantValue>> Metadata,
    Checksum? Parent,
    string Subject,
    string Body,
    ulong Timestamp,
    Checksum RootTree,
    Checksum RootMeta)
{
    internal const string GVariantType = "(a{sv}aya(say)sstayay)";

    /// <summary>The commit time as an instant.</summary>
    public DateTimeOffset Time => DateTimeOffset.FromUnixTimeSeconds((long)Math.Min(Timestamp, (ulong)DateTimeOffset.MaxValue.ToUnixTimeSeconds()));

    /// <summary>Looks up a metadata key.</summary>
    public GVariantValue? GetMetadata(string key) => Metadata.FirstOrDefault(kv => kv.Key == key).Value;

    /// <summary>The <c>version</c> metadata string, if present.</summary>
    public string? Version => GetMetadata("version")?.AsString();

    /// <summary>The <c>ContentChecksum</c> ostree show prints: SHA-256 of root dirtree ‖ root dirmeta bytes.</summary>
    public Checksum ContentChecksum
    {
        get
        {
            Span<byte> both = stackalloc byte[64];
            RootTree.WriteTo(both);
            RootMeta.WriteTo(both[32..]);
            return Checksum.Compute(both);
        }
    }

    /// <summary>The serialized object (its SHA-256 is the commit id).</summary>
    public byte[] Serialize()
    {
        var meta = Metadata.Select(kv => (object)new object[] { kv.Key, kv.Value }).ToArray();
        return GVariantSerializer.Serialize(GVariantType, new object[]
        {
            meta, Parent?.ToByteArray() ?? [], Array.Empty<object>(), Subject, Body,
            BinaryPrimitives.ReverseEndianness(Timestamp), RootTree.ToByteArray(), RootMeta.ToByteArray(),
        });
    }

    /// <summary>Parses and validates a commit object.</summary>
    /// <exception cref="InvalidFormatException">Bad framing, not normal form, bad checksum lengths or empty keys.</exception>
    public static OstreeCommit Parse(ReadOnlySpan<byte> data, string source, bool requireNormalForm = true)
    {
        var t = (object[])GVariantSerializer.Deserialize(GVariantType, data, source, requireNormalForm);
        var meta = new List<KeyValuePair<string, GVariantValue>>();
        foreach (object[] entry in ((object[])t[0]).Cast<object[]>())
        {
            var key = (string)entry[0];
            if (key.Length == 0)
            {
                throw new OstreeObjectException(OstreeErrorCodes.InvalidObject, source, "commit metadata has an empty key");
            }

            meta.Add(new(key, (GVariantValue)entry[1]));
        }

        var parent = (byte[])t[1];
        if (parent.Length is not 0 and not Checksum.ByteLength)
        {
            throw new OstreeObjectException(OstreeErrorCodes.InvalidObject, source, $"parent checksum has {parent.Length} bytes");
        }

        var tree = (byte[])t[6];
        var dmeta = (byte[])t[7];
        if (tree.Length != Checksum.ByteLength || dmeta.Length != Checksum.ByteLength)
        {
            throw new OstreeObjectException(OstreeErrorCodes.InvalidObject, source, "root dirtree/dirmeta checksum is not 32 bytes");
        }

        return new OstreeCommit(
            meta,
            parent.Length == 0 ? null : Checksum.FromBytes(parent),
            (string)t[3],
            (string)t[4],
            BinaryPrimitives.ReverseEndianness((ulong)t[5]),
            Checksum.FromBytes(tree),
            Checksum.FromBytes(dmeta));
    }
}
