namespace AptOstree.OSTree;

/// <summary>
/// A ref qualified by the collection it belongs to (libostree's <c>OstreeCollectionRef</c>), printed by
/// <c>ostree refs --collections</c> as <c>(COLLECTION, REF)</c>.
/// </summary>
/// <param name="CollectionId">The collection ID (reverse-DNS, e.g. <c>org.example.Os</c>).</param>
/// <param name="Name">The ref name.</param>
public sealed record CollectionRef(string CollectionId, string Name)
{
    /// <summary>libostree's rendering: <c>(COLLECTION, REF)</c>.</summary>
    public override string ToString() => $"({CollectionId}, {Name})";
}
