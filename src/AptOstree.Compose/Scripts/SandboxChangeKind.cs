namespace AptOstree.Compose;

/// <summary>What happened to a path in the sandbox.</summary>
public enum SandboxChangeKind
{
    /// <summary>The path was created or changed (content, metadata or type) and now holds the entry described.</summary>
    Written,

    /// <summary>The path was deleted: an overlay whiteout hides the lower tree's entry.</summary>
    Deleted,
}
