using AptOstree.Deb.Solver;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AptOstree.Deb.Apt;

/// <summary>
/// Loads the <see cref="PackageUniverse"/> of a list directory and a dpkg status file: every <see cref="Load"/> reads
/// them as they are then (an <c>apt update</c> or a dpkg run in between is seen), so the loader, not a universe, is
/// what a DI container holds (<c>services.AddAptOstreeApt()</c>).
/// </summary>
public sealed class AptUniverseLoader
{
    private readonly ILoggerFactory _loggerFactory;

    /// <summary>Creates a loader.</summary>
    /// <param name="options">Where to read from; <see cref="AptUniverseLoaderOptions.Default"/> (the host) when null.</param>
    /// <param name="loggerFactory">Logging for the loader and the solvers it creates; none when null.</param>
    public AptUniverseLoader(AptUniverseLoaderOptions? options = null, ILoggerFactory? loggerFactory = null)
    {
        Options = options ?? AptUniverseLoaderOptions.Default;
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
    }

    /// <summary>Where the loader reads from.</summary>
    public AptUniverseLoaderOptions Options { get; }

    /// <summary>Reads the indexes and the status file now.</summary>
    /// <exception cref="AptException">The list directory holds no Packages index (<see cref="AptErrorCodes.NoIndexes"/>).</exception>
    /// <exception cref="InvalidFormatException">An index or the status file is malformed.</exception>
    public PackageUniverse Load() => AptListsDirectory.LoadUniverseLogged(
        Options.ListsDirectory, Options.StatusFile, Options.NativeArchitecture, Options.ForeignArchitectures, Options.Sources, _loggerFactory.CreateLogger<AptUniverseLoader>());

    /// <summary>A solver over <paramref name="universe"/> that logs through this loader's logger factory.</summary>
    public DependencySolver CreateSolver(PackageUniverse universe) => new(universe, _loggerFactory.CreateLogger<DependencySolver>());
}
