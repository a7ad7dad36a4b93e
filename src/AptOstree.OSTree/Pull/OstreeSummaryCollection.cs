namespace AptOstree.OSTree;

/// <summary>The refs a summary lists for another collection (one entry of <c>ostree.summary.collection-map</c>).</summary>
/// <param name="CollectionId">The collection ID.</param>
/// <param name="Refs">Its refs, in file order.</param>
public sealed record OstreeSummaryCollection(string CollectionId, IReadOnlyList<OstreeSummaryRef> Refs);
