namespace AptOstree.Compose.Layering;

/// <summary>Options of the layering transactions (install, uninstall, reset).</summary>
public sealed record LayeringOptions
{
    /// <summary>Compute and return the plan only; nothing is imported, committed or deployed.</summary>
    public bool DryRun { get; init; }

    /// <summary>Where APT lists and downloaded .debs are kept; default <c>SYSROOT/ostree/deploy/STATEROOT/var/cache/apt-ostree</c> (the system's <c>/var/cache/apt-ostree</c>).</summary>
    public string? CacheDirectory { get; init; }

    /// <summary>
    /// APT lists to resolve against instead of updating the base's recorded sources into the cache (e.g. lists copied
    /// at a known state); the sources still name the repositories the packages download from.
    /// </summary>
    public string? ListsDirectory { get; init; }

    /// <summary>Stage the new deployment (finalized at shutdown) instead of writing the boot configuration now.</summary>
    public bool Stage { get; init; }
}
