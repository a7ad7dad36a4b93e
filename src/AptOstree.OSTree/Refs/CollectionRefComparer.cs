namespace AptOstree.OSTree;

/// <summary>Orders collection refs by collection ID, then ref name (UTF-8 byte order, as libostree compares them).</summary>
internal sealed class CollectionRefComparer : IComparer<CollectionRef>
{
    public static readonly CollectionRefComparer Instance = new();

    public int Compare(CollectionRef? x, CollectionRef? y)
    {
        if (ReferenceEquals(x, y))
        {
            return 0;
        }

        if (x is null || y is null)
        {
            return x is null ? -1 : 1;
        }

        int byCollection = Utf8Ordinal.Instance.Compare(x.CollectionId, y.CollectionId);
        return byCollection != 0 ? byCollection : Utf8Ordinal.Instance.Compare(x.Name, y.Name);
    }
}
