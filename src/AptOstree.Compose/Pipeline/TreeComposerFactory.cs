using AptOstree.OSTree;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AptOstree.Compose;

/// <summary>
/// Makes <see cref="TreeComposer"/>s over repositories with the services of a DI container: repositories are opened or
/// created through <see cref="OstreeRepositoryFactory"/> (its file layer and logging) and the composer logs through
/// the container's <see cref="ILoggerFactory"/>. Without DI, construct <see cref="TreeComposer"/> directly.
/// </summary>
public sealed class TreeComposerFactory
{
    private readonly OstreeRepositoryFactory _repositories;
    private readonly ILoggerFactory _loggerFactory;

    /// <summary>Creates the factory.</summary>
    public TreeComposerFactory(OstreeRepositoryFactory repositories, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(repositories);
        _repositories = repositories;
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
    }

    /// <summary>A composer writing into <paramref name="repository"/>.</summary>
    public TreeComposer Create(OstreeRepository repository) => new(repository, _loggerFactory);

    /// <summary>
    /// A composer writing into the repository at <paramref name="repositoryPath"/>, created there when absent: bare
    /// for root, bare-user otherwise (ownership and modes in xattrs), as <c>apt-ostree compose tree</c> does.
    /// </summary>
    public TreeComposer Open(string repositoryPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(repositoryPath);
        var repository = Directory.Exists(Path.Combine(repositoryPath, "objects"))
            ? _repositories.Open(repositoryPath)
            : _repositories.Create(repositoryPath, Environment.IsPrivilegedProcess ? RepoMode.Bare : RepoMode.BareUser);
        return Create(repository);
    }
}
