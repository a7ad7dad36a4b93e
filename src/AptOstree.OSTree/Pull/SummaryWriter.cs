using System.Buffers.Binary;
using AptOstree.IO;
using AptOstree.OSTree.GVariant;

namespace AptOstree.OSTree;

/// <summary>
/// Generates <c>REPO/summary</c> (<c>(a(s(taya{sv}))a{sv})</c>) like <c>ostree summary -u</c>: refs sorted by
/// name with the commit's size (little-endian, used by pull as the size limit), checksum and timestamp.
/// </summary>
public static class SummaryWriter
{
    internal const string GVariantType = "(a(s(taya{sv}))a{sv})";

    /// <summary>The summary bytes for the repository's local refs.</summary>
    public static byte[] Build(OstreeRepository repository, DateTimeOffset? lastModified = null)
    {
        ArgumentNullException.ThrowIfNull(repository);
        var refs = new List<object>();
        foreach (var (name, checksum) in repository.Refs.List().Where(kv => !kv.Key.Contains(':', StringComparison.Ordinal)).OrderBy(kv => kv.Key, Utf8Ordinal.Instance))
        {
            byte[] commitBytes = repository.Objects.ReadMetadataBytes(checksum, ObjectType.Commit);
            var commit = OstreeCommit.Parse(commitBytes, checksum + ".commit", requireNormalForm: false);
            var meta = new List<object> { new object[] { "ostree.commit.timestamp", GVariantValue.FromUInt64BigEndian(commit.Timestamp) } };
            if (commit.Version is string version)
            {
                meta.Add(new object[] { "ostree.commit.version", GVariantValue.FromString(version) });
            }

            refs.Add(new object[] { name, new object[] { (ulong)commitBytes.Length, checksum.ToByteArray(), meta.ToArray() } });
        }

        ulong modified = (ulong)(lastModified ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds();
        var additional = new List<object>
        {
            new object[] { "ostree.summary.last-modified", GVariantValue.FromUInt64BigEndian(modified) },
            new object[] { "ostree.summary.tombstone-commits", GVariantValue.FromBoolean(false) },
            new object[] { "ostree.summary.indexed-deltas", GVariantValue.FromBoolean(true) },
            new object[] { "ostree.summary.mode", GVariantValue.FromString(repository.Mode.ToConfigString()) },
        };
        if (repository.Config.Get("core", "collection-id") is string collection)
        {
            additional.Add(new object[] { "ostree.summary.collection-id", GVariantValue.FromString(collection) });
        }

        return GVariantSerializer.Serialize(GVariantType, new object[] { refs.ToArray(), additional.ToArray() });
    }

    /// <summary>Writes <c>REPO/summary</c> atomically (and removes a stale <c>summary.sig</c>).</summary>
    public static void Update(OstreeRepository repository)
    {
        ArgumentNullException.ThrowIfNull(repository);
        AtomicFile.Write(Path.Combine(repository.Path, "summary"), Build(repository), 0x1A4, repository.Fsync, repository.FileSystem);
        string sig = Path.Combine(repository.Path, "summary.sig");
        if (File.Exists(sig))
        {
            File.Delete(sig);
        }
    }

    /// <summary>Parses a summary into ref name → (commit checksum, commit size).</summary>
    public static IReadOnlyDictionary<string, (Checksum Commit, ulong Size)> ParseRefs(ReadOnlySpan<byte> summary, string sourceName)
    {
        var t = (object[])GVariantSerializer.Deserialize(GVariantType, summary, sourceName, requireNormalForm: false);
        var result = new Dictionary<string, (Checksum, ulong)>(StringComparer.Ordinal);
        foreach (object[] entry in ((object[])t[0]).Cast<object[]>())
        {
            var inner = (object[])entry[1];
            var csum = (byte[])inner[1];
            if (csum.Length != Checksum.ByteLength)
            {
                throw new InvalidFormatException(OSTreeErrorCodes.InvalidObject, $"{sourceName}: ref '{entry[0]}' has a {csum.Length}-byte checksum.", null, sourceName, (string)entry[0]);
            }

            result[(string)entry[0]] = (Checksum.FromBytes(csum), (ulong)inner[0]);
        }

        return result;
    }

    internal static ulong ReadBigEndian(ulong value) => BinaryPrimitives.ReverseEndianness(value);
}
