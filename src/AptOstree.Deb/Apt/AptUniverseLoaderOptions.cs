using AptOstree.Deb.Solver;

namespace AptOstree.Deb.Apt;

/// <summary>Where an <see cref="AptUniverseLoader"/> reads a <see cref="PackageUniverse"/> from; the host's APT state by default.</summary>
public sealed record AptUniverseLoaderOptions
{
    /// <summary>The host's lists and dpkg status, this machine's architectures and the host's sources.</summary>
    public static AptUniverseLoaderOptions Default { get; } = new();

    /// <summary>The list directory with the Packages indexes (<see cref="AptListsDirectory.DefaultPath"/>).</summary>
    public string ListsDirectory { get; init; } = AptListsDirectory.DefaultPath;

    /// <summary>The dpkg status file of the root being solved for, or null for an empty root.</summary>
    public string? StatusFile { get; init; } = AptListsDirectory.DefaultStatusPath;

    /// <summary>The native architecture; this machine's when null.</summary>
    public string? NativeArchitecture { get; init; }

    /// <summary>The foreign architectures; the host dpkg's when null.</summary>
    public IReadOnlyList<string>? ForeignArchitectures { get; init; }

    /// <summary>Sources that say where the indexes' packages are downloaded from, besides those recorded in the
    /// list directory; the host's (<c>/etc/apt</c>) when null.</summary>
    public IReadOnlyList<AptSource>? Sources { get; init; }
}
