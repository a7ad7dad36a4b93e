namespace AptOstree.OSTree;

/// <summary>What <see cref="MutableTree.Merge"/> does with one <see cref="TreeConflict"/>.</summary>
public enum TreeConflictResolution
{
    /// <summary>Keep what the tree already has.</summary>
    KeepExisting,

    /// <summary>Take the incoming side (a directory taking a file's place is merged from scratch).</summary>
    TakeIncoming,

    /// <summary>Stop the merge with an <see cref="AptOstreeException"/> naming the path.</summary>
    Fail,
}
