namespace AptOstree.OSTree;

/// <summary>Kinds of change reported by <c>ostree diff</c>.</summary>
public enum TreeChangeKind
{
    /// <summary>Present only in the newer tree (<c>A</c>).</summary>
    Added,

    /// <summary>Present only in the older tree (<c>D</c>).</summary>
    Removed,

    /// <summary>Present in both with different content or metadata (<c>M</c>).</summary>
    Modified,
}

/// <summary>One difference between two commits' trees.</summary>
/// <param name="Kind">Added, removed or modified.</param>
/// <param name="Path">Absolute path inside the commit.</param>
public sealed record TreeDifference(TreeChangeKind Kind, string Path)
{
    /// <summary><c>A /path</c>, <c>D /path</c> or <c>M /path</c>, as ostree prints it.</summary>
    public override string ToString() => $"{Kind switch { TreeChangeKind.Added => 'A', TreeChangeKind.Removed => 'D', _ => 'M' }}    {Path}";
}
