namespace AptOstree.OSTree;

/// <summary>
/// A parsed <c>summary</c>: the main ref list (refs of <see cref="CollectionId"/> when set), the
/// <c>ostree.summary.collection-map</c> (refs of other collections) and the commit sizes pull uses as size limits.
/// </summary>
internal sealed class RepositorySummary
{
    private RepositorySummary(IReadOnlyDictionary<string, (Checksum Commit, ulong Size)> refs, string? collectionId, IReadOnlyDictionary<string, IReadOnlyDictionary<string, (Checksum Commit, ulong Size)>> collectionMap)
    {
        Refs = refs;
        CollectionId = collectionId;
        CollectionMap = collectionMap;
    }

    /// <summary>The main ref list, by name.</summary>
    public IReadOnlyDictionary<string, (Checksum Commit, ulong Size)> Refs { get; }

    /// <summary><c>ostree.summary.collection-id</c>, or null.</summary>
    public string? CollectionId { get; }

    /// <summary><c>ostree.summary.collection-map</c>: collection ID → its refs.</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, (Checksum Commit, ulong Size)>> CollectionMap { get; }

    public static RepositorySummary Parse(ReadOnlySpan<byte> summary, string sourceName)
    {
        var parsed = OstreeSummary.Parse(summary, sourceName);
        var collectionId = parsed.CollectionId;
        if (collectionId is not null && !RefStore.IsValidCollectionId(collectionId))
        {
            throw new InvalidFormatException(OstreeErrorCodes.InvalidObject, $"{sourceName}: invalid collection ID '{collectionId}'.", null, sourceName, "ostree.summary.collection-id");
        }

        var map = new Dictionary<string, IReadOnlyDictionary<string, (Checksum, ulong)>>(StringComparer.Ordinal);
        foreach (var collection in parsed.Collections)
        {
            map[collection.CollectionId] = RefMap(collection.Refs, sourceName);
        }

        return new RepositorySummary(RefMap(parsed.Refs, sourceName), collectionId, map);
    }

    /// <summary>A ref of the main list (<paramref name="collectionId"/> null or the summary's own) or of the collection map.</summary>
    public (Checksum Commit, ulong Size)? Find(string? collectionId, string name)
    {
        var refs = collectionId is null || collectionId == CollectionId ? Refs : CollectionMap.GetValueOrDefault(collectionId);
        return refs is not null && refs.TryGetValue(name, out var entry) ? entry : null;
    }

    private static Dictionary<string, (Checksum Commit, ulong Size)> RefMap(IReadOnlyList<OstreeSummaryRef> refs, string sourceName)
    {
        var result = new Dictionary<string, (Checksum, ulong)>(StringComparer.Ordinal);
        foreach (var entry in refs)
        {
            result[entry.Name] = (entry.Commit ?? throw new InvalidFormatException(OstreeErrorCodes.InvalidObject, $"{sourceName}: ref '{entry.Name}' has a {entry.ChecksumBytes.Length}-byte checksum.", null, sourceName, entry.Name), entry.CommitSize);
        }

        return result;
    }
}
