using System.Buffers.Binary;
using AptOstree.OSTree.GVariant;
using AptOstree.Posix;

namespace AptOstree.OSTree;

/// <summary>
/// Generates <c>REPO/summary</c> (<c>(a(s(taya{sv}))a{sv})</c>) like <c>ostree summary -u</c>: the local refs sorted
/// by name with the commit's size (little-endian, used by pull as the size limit), checksum and timestamp; with a
/// <c>core.collection-id</c>, <c>ostree.summary.collection-id</c> and a fresh <c>ostree-metadata</c> commit; refs
/// under <c>refs/mirrors</c> in <c>ostree.summary.collection-map</c>.
/// </summary>
public static class SummaryWriter
{
    /// <summary>The ref <c>ostree summary -u</c> commits to in a repository with a collection ID.</summary>
    public const string MetadataRef = "ostree-metadata";

    internal const string GVariantType = "(a(s(taya{sv}))a{sv})";

    /// <summary>The summary bytes for the repository's local refs and collection refs.</summary>
    public static byte[] Build(OstreeRepository repository, DateTimeOffset? lastModified = null)
    {
        ArgumentNullException.ThrowIfNull(repository);
        var heads = repository.Refs.List().Where(kv => !kv.Key.Contains(':', StringComparison.Ordinal));
        string? ownCollection = repository.Config.Get("core", "collection-id");
        var collectionMap = repository.Refs.ListMirrors()
            .Where(kv => kv.Key.CollectionId != ownCollection)
            .GroupBy(kv => kv.Key.CollectionId, StringComparer.Ordinal)
            .OrderBy(g => g.Key, Utf8Ordinal.Instance)
            .Select(g => (object)new object[] { g.Key, RefList(repository, g.Select(kv => new KeyValuePair<string, Checksum>(kv.Key.Ref, kv.Value))) })
            .ToArray();

        // The order libostree 2022.7 writes these keys in (its dictionary's iteration order), kept for identical bytes.
        ulong modified = (ulong)(lastModified ?? repository.TimeProvider.GetUtcNow()).ToUnixTimeSeconds();
        var additional = new List<object>
        {
            new object[] { "ostree.summary.mode", GVariantValue.FromString(repository.Mode.ToConfigString()) },
            new object[] { "ostree.summary.last-modified", GVariantValue.FromUInt64BigEndian(modified) },
            new object[] { "ostree.summary.tombstone-commits", GVariantValue.FromBoolean(repository.Config.GetBoolean("core", "tombstone-commits", false)) },
        };
        if (collectionMap.Length > 0)
        {
            additional.Add(new object[] { "ostree.summary.collection-map", new GVariantValue("a{sa(s(taya{sv}))}", collectionMap) });
        }

        additional.Add(new object[] { "ostree.summary.indexed-deltas", GVariantValue.FromBoolean(true) });
        if (ownCollection is not null)
        {
            additional.Add(new object[] { "ostree.summary.collection-id", GVariantValue.FromString(ownCollection) });
        }

        return GVariantSerializer.Serialize(GVariantType, new object[] { RefList(repository, heads), additional.ToArray() });
    }

    /// <summary>
    /// Does what <c>ostree summary -u</c> does: with a collection ID, commits an empty tree bound to
    /// <c>(COLLECTION, ostree-metadata)</c> on top of the previous one; then writes <c>REPO/summary</c> atomically
    /// and removes a stale <c>summary.sig</c>.
    /// </summary>
    public static void Update(OstreeRepository repository)
    {
        ArgumentNullException.ThrowIfNull(repository);
        if (repository.Config.Get("core", "collection-id") is string collection)
        {
            var previous = repository.Refs.TryResolveCollectionRef(new CollectionRef(collection, MetadataRef));
            repository.CommitTree(new MutableTree(), new CommitOptions { Branch = MetadataRef, Parent = previous, Orphan = previous is null });
        }

        if (repository.Config.Get("core", "indexed-deltas") is null)
        {
            // libostree records that it writes indexed deltas the first time it generates a summary.
            repository.Config.Set("core", "indexed-deltas", "true");
            repository.SaveConfig();
        }

        AtomicFile.Write(Path.Combine(repository.Path, "summary"), Build(repository), PosixPermissions.File, repository.Fsync, repository.FileSystem);
        string sig = Path.Combine(repository.Path, Ed25519SummarySigner.SignatureFileName);
        repository.FileSystem.DeleteIfExists(sig);
    }

    /// <summary>Like <see cref="Update(OstreeRepository)"/>, then signs the new summary with each ed25519 key (<c>summary -u --sign-type=ed25519 --sign=KEY</c>).</summary>
    public static void Update(OstreeRepository repository, IReadOnlyCollection<byte[]> ed25519SecretKeys)
    {
        ArgumentNullException.ThrowIfNull(ed25519SecretKeys);
        Update(repository);
        if (ed25519SecretKeys.Count > 0)
        {
            Ed25519SummarySigner.Sign(repository, ed25519SecretKeys);
        }
    }

    /// <summary>Parses a summary into ref name → (commit checksum, commit size) for its main ref list.</summary>
    public static IReadOnlyDictionary<string, (Checksum Commit, ulong Size)> ParseRefs(ReadOnlySpan<byte> summary, string sourceName) =>
        RepositorySummary.Parse(summary, sourceName).Refs;

    internal static ulong ReadBigEndian(ulong value) => BinaryPrimitives.ReverseEndianness(value);

    private static object[] RefList(OstreeRepository repository, IEnumerable<KeyValuePair<string, Checksum>> refs)
    {
        var list = new List<object>();
        foreach (var (name, checksum) in refs.OrderBy(kv => kv.Key, Utf8Ordinal.Instance))
        {
            byte[] commitBytes = repository.Objects.ReadMetadataBytes(checksum, ObjectType.Commit);
            var commit = OstreeCommit.Parse(commitBytes, checksum + ".commit", requireNormalForm: false);
            var meta = new List<object>();
            if (commit.Version is string version)
            {
                meta.Add(new object[] { "ostree.commit.version", GVariantValue.FromString(version) });
            }

            meta.Add(new object[] { "ostree.commit.timestamp", GVariantValue.FromUInt64BigEndian(commit.Timestamp) });

            list.Add(new object[] { name, new object[] { (ulong)commitBytes.Length, checksum.ToByteArray(), meta.ToArray() } });
        }

        return list.ToArray();
    }
}
