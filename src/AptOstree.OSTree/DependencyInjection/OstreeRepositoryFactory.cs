using AptOstree.Posix;
using Microsoft.Extensions.Logging;

namespace AptOstree.OSTree;

/// <summary>Opens and creates repositories with the services of a DI container (file layer, logging, clock).</summary>
public sealed class OstreeRepositoryFactory
{
    private readonly RepositoryOptions _defaults;

    /// <summary>Creates the factory.</summary>
    /// <param name="fileSystem">The file layer.</param>
    /// <param name="loggerFactory">Logging.</param>
    /// <param name="timeProvider">The clock (<see cref="RepositoryOptions.TimeProvider"/>); <see cref="TimeProvider.System"/> by default.</param>
    public OstreeRepositoryFactory(IPosixFileSystem fileSystem, ILoggerFactory loggerFactory, TimeProvider? timeProvider = null) =>
        _defaults = new RepositoryOptions { FileSystem = fileSystem, LoggerFactory = loggerFactory, TimeProvider = timeProvider };

    /// <summary>Opens an existing repository.</summary>
    public OstreeRepository Open(string path) => OstreeRepository.Open(path, _defaults);

    /// <summary>Creates (or opens) a repository of the given mode.</summary>
    public OstreeRepository Create(string path, RepoMode mode) => OstreeRepository.Create(path, mode, _defaults);
}
