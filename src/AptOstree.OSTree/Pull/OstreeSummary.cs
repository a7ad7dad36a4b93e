using AptOstree.OSTree.GVariant;
using AptOstree.Posix;

namespace AptOstree.OSTree;

/// <summary>
/// A repository's <c>summary</c> file (<c>(a(s(taya{sv}))a{sv})</c>) as typed values, in file order: the main ref list
/// (refs of <see cref="CollectionId"/> when set), the <c>ostree.summary.collection-map</c> (refs of other
/// collections) and the additional metadata. What <c>ostree summary --view</c> shows, and what pull reads.
/// </summary>
public sealed class OstreeSummary
{
    private const string CollectionMapType = "a{sa(s(taya{sv}))}";

    private OstreeSummary(IReadOnlyList<OstreeSummaryRef> refs, IReadOnlyList<OstreeSummaryCollection> collections, IReadOnlyList<KeyValuePair<string, GVariantValue>> metadata, string? collectionId)
    {
        Refs = refs;
        Collections = collections;
        Metadata = metadata;
        CollectionId = collectionId;
    }

    /// <summary>The main ref list, in file order (sorted by name when ostree wrote it).</summary>
    public IReadOnlyList<OstreeSummaryRef> Refs { get; }

    /// <summary>The refs of other collections (<c>ostree.summary.collection-map</c>), in file order.</summary>
    public IReadOnlyList<OstreeSummaryCollection> Collections { get; }

    /// <summary>The additional metadata (<c>a{sv}</c>), in file order, the collection map included.</summary>
    public IReadOnlyList<KeyValuePair<string, GVariantValue>> Metadata { get; }

    /// <summary><c>ostree.summary.collection-id</c> when it is a string, else null.</summary>
    public string? CollectionId { get; }

    /// <summary>Reads <c>REPO/summary</c>.</summary>
    /// <exception cref="AptOstreeException">The repository has no summary (<see cref="OstreeErrorCodes.ObjectNotFound"/>).</exception>
    public static OstreeSummary Read(OstreeRepository repository)
    {
        ArgumentNullException.ThrowIfNull(repository);
        var path = Path.Combine(repository.Path, "summary");
        return repository.FileSystem.FileExists(path)
            ? Parse(repository.FileSystem.ReadAllBytes(path), path)
            : throw new AptOstreeException(OstreeErrorCodes.ObjectNotFound, $"{repository.Path} has no summary file (create one with summary -u).");
    }

    /// <summary>Parses summary bytes (normal form not required, as libostree reads them).</summary>
    /// <exception cref="InvalidFormatException">The bytes are not a summary.</exception>
    public static OstreeSummary Parse(ReadOnlySpan<byte> summary, string sourceName)
    {
        var t = (object[])GVariantSerializer.Deserialize(SummaryWriter.GVariantType, summary, sourceName, requireNormalForm: false);
        var metadata = new List<KeyValuePair<string, GVariantValue>>();
        var collections = new List<OstreeSummaryCollection>();
        string? collectionId = null;
        foreach (object[] entry in ((object[])t[1]).Cast<object[]>())
        {
            var key = (string)entry[0];
            var value = (GVariantValue)entry[1];
            metadata.Add(new(key, value));
            if (key == "ostree.summary.collection-id" && value.Type == "s")
            {
                collectionId = (string)value.Value;
            }
            else if (key == "ostree.summary.collection-map" && value.Type == CollectionMapType)
            {
                foreach (object[] collection in ((object[])value.Value).Cast<object[]>())
                {
                    collections.Add(new OstreeSummaryCollection((string)collection[0], RefList((object[])collection[1])));
                }
            }
        }

        return new OstreeSummary(RefList((object[])t[0]), collections, metadata, collectionId);
    }

    private static List<OstreeSummaryRef> RefList(object[] refs) =>
        refs.Cast<object[]>().Select(entry =>
        {
            var inner = (object[])entry[1];
            var metadata = ((object[])inner[2]).Cast<object[]>().Select(m => new KeyValuePair<string, GVariantValue>((string)m[0], (GVariantValue)m[1])).ToList();
            return new OstreeSummaryRef((string)entry[0], (ulong)inner[0], (byte[])inner[1], metadata);
        }).ToList();
}
