namespace AptOstree.Compose;

/// <summary>The sandbox's files in its work directory.</summary>
internal sealed record SandboxLayout(string WorkDirectory)
{
    /// <summary>The overlay's upper directory: everything commands write.</summary>
    public string Upper => Path.Combine(WorkDirectory, "upper");

    /// <summary>overlayfs's scratch directory (same file system as the upper one).</summary>
    public string Work => Path.Combine(WorkDirectory, "work");

    /// <summary>Where the overlay is mounted inside the sandbox's mount namespace (empty outside it).</summary>
    public string Merged => Path.Combine(WorkDirectory, "merged");

    /// <summary>A symlink to the lower tree, so the mount options need no escaping.</summary>
    public string LowerLink => Path.Combine(WorkDirectory, "lower");

    /// <summary>The <c>policy-rc.d</c> bound over <c>/usr/sbin/policy-rc.d</c>.</summary>
    public string PolicyRcD => Path.Combine(WorkDirectory, "policy-rc.d");

    /// <summary>bubblewrap's JSON status of the last run.</summary>
    public string Status => Path.Combine(WorkDirectory, "status");
}
