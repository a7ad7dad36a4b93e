namespace AptOstree.OSTree;

/// <summary>What <c>ostree prune</c> would take as flags.</summary>
public sealed record PruneOptions
{
    /// <summary>Only refs keep commits alive (<c>--refs-only</c>); otherwise every commit in the repository is a root.</summary>
    public bool RefsOnly { get; init; }

    /// <summary>How many parents of each root to keep (<c>--depth</c>); -1 keeps all.</summary>
    public int Depth { get; init; } = -1;

    /// <summary>Report what would be deleted without deleting (<c>--no-prune</c>).</summary>
    public bool DryRun { get; init; }
}

/// <summary>What prune found and deleted.</summary>
/// <param name="ObjectsTotal">Objects in the repository before pruning.</param>
/// <param name="ObjectsPruned">Objects deleted (or that would be, in a dry run).</param>
/// <param name="BytesFreed">Their total size on disk.</param>
public sealed record PruneResult(int ObjectsTotal, int ObjectsPruned, long BytesFreed)
{
    /// <summary>
    /// Reachable commits and dirtrees that could not be parsed: each was kept, what only it names was not marked
    /// reachable, and the prune went on (as libostree does). Run fsck to see why.
    /// </summary>
    public IReadOnlyList<FsckProblem> UnreadableObjects { get; init; } = [];
}
