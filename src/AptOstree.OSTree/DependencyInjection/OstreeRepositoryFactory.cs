using AptOstree.Posix;
using Microsoft.Extensions.Logging;

namespace AptOstree.OSTree;

/// <summary>Opens and creates repositories with the services of a DI container (file layer, logging).</summary>
public sealed class OstreeRepositoryFactory
{
    private readonly RepositoryOptions _defaults;

    /// <summary>Creates the factory.</summary>
    public OstreeRepositoryFactory(IPosixFileSystem fileSystem, ILoggerFactory loggerFactory) =>
        _defaults = new RepositoryOptions { FileSystem = fileSystem, LoggerFactory = loggerFactory };

    /// <summary>Opens an existing repository.</summary>
    public OstreeRepository Open(string path) => OstreeRepository.Open(path, _defaults);

    /// <summary>Creates (or opens) a repository of the given mode.</summary>
    public OstreeRepository Create(string path, RepoMode mode) => OstreeRepository.Create(path, mode, _defaults);
}
