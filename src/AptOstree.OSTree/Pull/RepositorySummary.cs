using AptOstree.OSTree.GVariant;

namespace AptOstree.OSTree;

/// <summary>
/// A parsed <c>summary</c>: the main ref list (refs of <see cref="CollectionId"/> when set), the
/// <c>ostree.summary.collection-map</c> (refs of other collections) and the commit sizes pull uses as size limits.
/// </summary>
internal sealed class RepositorySummary
{
    private const string CollectionMapType = "a{sa(s(taya{sv}))}";

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
        var t = (object[])GVariantSerializer.Deserialize(SummaryWriter.GVariantType, summary, sourceName, requireNormalForm: false);
        string? collectionId = null;
        var map = new Dictionary<string, IReadOnlyDictionary<string, (Checksum, ulong)>>(StringComparer.Ordinal);
        foreach (object[] entry in ((object[])t[1]).Cast<object[]>())
        {
            var value = (GVariantValue)entry[1];
            switch ((string)entry[0])
            {
                case "ostree.summary.collection-id" when value.Type == "s":
                    collectionId = (string)value.Value;
                    break;
                case "ostree.summary.collection-map" when value.Type == CollectionMapType:
                    foreach (object[] collection in ((object[])value.Value).Cast<object[]>())
                    {
                        map[(string)collection[0]] = ParseRefList((object[])collection[1], sourceName);
                    }

                    break;
            }
        }

        if (collectionId is not null && !RefStore.IsValidCollectionId(collectionId))
        {
            throw new InvalidFormatException(OstreeErrorCodes.InvalidObject, $"{sourceName}: invalid collection ID '{collectionId}'.", null, sourceName, "ostree.summary.collection-id");
        }

        return new RepositorySummary(ParseRefList((object[])t[0], sourceName), collectionId, map);
    }

    /// <summary>A ref of the main list (<paramref name="collectionId"/> null or the summary's own) or of the collection map.</summary>
    public (Checksum Commit, ulong Size)? Find(string? collectionId, string name)
    {
        var refs = collectionId is null || collectionId == CollectionId ? Refs : CollectionMap.GetValueOrDefault(collectionId);
        return refs is not null && refs.TryGetValue(name, out var entry) ? entry : null;
    }

    internal static IReadOnlyDictionary<string, (Checksum Commit, ulong Size)> ParseRefList(object[] refs, string sourceName)
    {
        var result = new Dictionary<string, (Checksum, ulong)>(StringComparer.Ordinal);
        foreach (object[] entry in refs.Cast<object[]>())
        {
            var inner = (object[])entry[1];
            var csum = (byte[])inner[1];
            if (csum.Length != Checksum.ByteLength)
            {
                throw new InvalidFormatException(OstreeErrorCodes.InvalidObject, $"{sourceName}: ref '{entry[0]}' has a {csum.Length}-byte checksum.", null, sourceName, (string)entry[0]);
            }

            result[(string)entry[0]] = (Checksum.FromBytes(csum), (ulong)inner[0]);
        }

        return result;
    }
}
