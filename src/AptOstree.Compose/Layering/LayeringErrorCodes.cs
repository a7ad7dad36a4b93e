namespace AptOstree.Compose.Layering;

/// <summary>Stable error codes of client-side package layering (AO6500–AO6599).</summary>
public static class LayeringErrorCodes
{
    /// <summary>The sysroot has no deployment to read or layer onto.</summary>
    public const string NoDeployments = "AO6501";

    /// <summary>A commit holds no dpkg database (<c>usr/share/dpkg/database/status</c> or <c>var/lib/dpkg/status</c>).</summary>
    public const string NoPackageDatabase = "AO6502";

    /// <summary>A requested package exists neither in the given .deb files nor in the sources of the deployment.</summary>
    public const string PackageNotFound = "AO6503";

    /// <summary>A layered package conflicts with the base (a path or a Conflicts/Breaks relation).</summary>
    public const string ConflictsWithBase = "AO6504";

    /// <summary>A package to uninstall is not layered.</summary>
    public const string NotLayered = "AO6505";

    /// <summary>A revision or deployment given to <c>db</c> cannot be resolved.</summary>
    public const string UnknownRevision = "AO6506";

    /// <summary>The layered packages' dependencies cannot be satisfied by the base and the given packages.</summary>
    public const string UnsatisfiedDependencies = "AO6507";

    /// <summary>There is no deployment to roll back to.</summary>
    public const string NoRollbackDeployment = "AO6508";

    /// <summary>A layered package's maintainer script, or a trigger it activated, failed; nothing was deployed.</summary>
    public const string ScriptFailed = "AO6509";
}
