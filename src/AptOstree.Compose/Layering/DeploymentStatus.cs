using AptOstree.OSTree.GVariant;
using AptOstree.OSTree.Sysroot;

namespace AptOstree.Compose.Layering;

/// <summary>
/// One deployment as <c>status</c> reports it, with rpm-ostree's <c>status --json</c> vocabulary: the deployed commit
/// and, for a layered commit, the base it was built from; the request in the origin and what is actually layered.
/// </summary>
public sealed record DeploymentStatus
{
    /// <summary>The deployment as the sysroot lists it.</summary>
    public required Deployment Deployment { get; init; }

    /// <summary><c>id</c>: <c>OSNAME-CHECKSUM.SERIAL</c>.</summary>
    public string Id => $"{Deployment.Stateroot}-{Deployment.Name}";

    /// <summary><c>checksum</c>: the deployed commit.</summary>
    public string Checksum => Deployment.Commit.ToString();

    /// <summary><c>base-checksum</c>: the base commit of a layered deployment; null when the deployment is its base.</summary>
    public string? BaseChecksum { get; init; }

    /// <summary><c>version</c>: the deployed commit's version.</summary>
    public string? Version { get; init; }

    /// <summary><c>base-version</c>: the base commit's version (a layered deployment only).</summary>
    public string? BaseVersion { get; init; }

    /// <summary><c>timestamp</c>: the deployed commit's timestamp (seconds since the epoch).</summary>
    public ulong Timestamp { get; init; }

    /// <summary><c>origin</c>: the refspec the deployment follows.</summary>
    public string? Origin => Deployment.Origin?.Refspec;

    /// <summary><c>requested-packages</c>: the repository packages of the origin's request.</summary>
    public IReadOnlyList<string> RequestedPackages { get; init; } = [];

    /// <summary><c>requested-local-packages</c>: the local packages of the request, <c>NAME_VERSION_ARCH</c>.</summary>
    public IReadOnlyList<string> RequestedLocalPackages { get; init; } = [];

    /// <summary><c>packages</c>: the requested repository packages that are layered (the others are inactive).</summary>
    public IReadOnlyList<string> Packages { get; init; } = [];

    /// <summary>Requested packages the base already has: recorded, but nothing layered for them.</summary>
    public IReadOnlyList<string> InactiveRequests => RequestedPackages.Except(Packages, StringComparer.Ordinal).ToList();

    /// <summary>Every package the layered commit adds to its base, dependencies included.</summary>
    public IReadOnlyList<DpkgPackage> LayeredPackages { get; init; } = [];

    /// <summary><c>base-commit-meta</c>: the base commit's metadata.</summary>
    public IReadOnlyList<KeyValuePair<string, GVariantValue>> BaseCommitMetadata { get; init; } = [];
}
