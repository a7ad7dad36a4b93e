using System.IO.Enumeration;
using AptOstree.OSTree;
using AptOstree.OSTree.GVariant;
using AptOstree.OSTree.Sysroot;
using AptOstree.Posix;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AptOstree.Compose.Layering;

/// <summary>
/// Client-side package layering on an OSTree sysroot, the rpm-ostree model for Debian: status of the deployments,
/// the dpkg databases inside commits (list, diff) and new deployments that add packages to a base commit. Reads go
/// straight to the repository's objects; nothing is checked out to answer status or db queries.
/// </summary>
public sealed partial class PackageLayering
{
    private readonly ILogger _logger;
    private readonly ILoggerFactory _loggerFactory;

    /// <summary>Creates the service over an open sysroot; it reads and deploys through <see cref="OstreeSysroot.Repository"/>.</summary>
    /// <param name="sysroot">The sysroot.</param>
    /// <param name="loggerFactory">Loggers for this service and the compose steps it runs; none by default.</param>
    public PackageLayering(OstreeSysroot sysroot, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(sysroot);
        Sysroot = sysroot;
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        _logger = _loggerFactory.CreateLogger<PackageLayering>();
    }

    /// <summary>Opens the sysroot at <paramref name="sysrootPath"/> (<c>/</c> on a booted system) and its repository.</summary>
    /// <exception cref="AptOstreeException">Not a sysroot, or no repository at <c>ostree/repo</c>.</exception>
    public static PackageLayering Open(string sysrootPath, IPosixFileSystem? fileSystem = null, ILoggerFactory? loggerFactory = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(sysrootPath);
        var fs = fileSystem ?? LibcPosixFileSystem.Instance;
        var factory = loggerFactory ?? NullLoggerFactory.Instance;
        string root = sysrootPath.Length > 1 ? sysrootPath.TrimEnd('/') : sysrootPath;
        var repository = OstreeRepository.Open($"{(root == "/" ? string.Empty : root)}/ostree/repo", new RepositoryOptions { FileSystem = fs, LoggerFactory = factory });
        var sysroot = new OstreeSysroot(root, repository, fs, factory.CreateLogger<OstreeSysroot>());
        return new PackageLayering(sysroot, factory);
    }

    /// <summary>The sysroot.</summary>
    public OstreeSysroot Sysroot { get; }

    /// <summary>The sysroot's repository (<c>ostree/repo</c>).</summary>
    public OstreeRepository Repository => Sysroot.Repository;

    /// <summary>Every deployment in boot order (a staged one first) with its base, versions and layering request.</summary>
    public IReadOnlyList<DeploymentStatus> GetStatus() => Sysroot.GetDeployments().Select(Describe).ToList();

    /// <summary>The status of one deployment, from its origin and commit metadata.</summary>
    public DeploymentStatus Describe(Deployment deployment)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        var commit = Repository.ReadCommit(deployment.Commit);
        var layer = LayerOf(commit);
        var baseCommit = layer.Base is { } b && Repository.Objects.Contains(b, ObjectType.Commit) ? Repository.ReadCommit(b) : null;
        return new DeploymentStatus
        {
            Deployment = deployment,
            BaseChecksum = layer.Base?.ToString(),
            Version = commit.Version,
            BaseVersion = layer.Base is null ? null : baseCommit?.Version,
            Timestamp = commit.Timestamp,
            RequestedPackages = LayeredOrigin.RequestedPackages(deployment.Origin),
            RequestedLocalPackages = LayeredOrigin.RequestedLocalPackages(deployment.Origin).Select(l => l.Nevra).ToList(),
            Packages = layer.ActiveRequests,
            LayeredPackages = layer.Packages,
            BaseCommitMetadata = (baseCommit ?? commit).Metadata.Where(kv => !kv.Key.StartsWith(LayeringMetadata.ClientLayer, StringComparison.Ordinal)).ToList(),
        };
    }

    /// <summary>The packages in <paramref name="commit"/>'s dpkg database whose name matches <paramref name="pattern"/> (<c>*</c> and <c>?</c> globs; all when null), sorted by name.</summary>
    public IReadOnlyList<DpkgPackage> ListPackages(Checksum commit, string? pattern = null) =>
        CommitPackageDatabase.Read(Repository, commit)
            .Where(p => pattern is null || FileSystemName.MatchesSimpleExpression(pattern, p.Name, ignoreCase: false))
            .OrderBy(p => p.Name, StringComparer.Ordinal).ThenBy(p => p.Architecture, StringComparer.Ordinal)
            .ToList();

    /// <summary>The package differences from <paramref name="from"/> to <paramref name="to"/>.</summary>
    public PackageDiff Diff(Checksum from, Checksum to) =>
        PackageDiff.Compute(from, to, CommitPackageDatabase.Read(Repository, from), CommitPackageDatabase.Read(Repository, to));

    /// <summary>
    /// What <c>db diff</c> compares without arguments: the booted deployment (offline: the second deployment, the
    /// rollback target) and the default (pending) deployment; when the booted one is the default, its rollback and it.
    /// </summary>
    /// <exception cref="AptOstreeException">Fewer than two deployments (<see cref="LayeringErrorCodes.NoDeployments"/>).</exception>
    public (Deployment From, Deployment To) DefaultDiffDeployments()
    {
        var deployments = Sysroot.GetDeployments();
        if (deployments.Count < 2)
        {
            throw new AptOstreeException(LayeringErrorCodes.NoDeployments, $"'{Sysroot.Path}' has {deployments.Count} deployment(s); db diff without FROM and TO compares two.");
        }

        var to = deployments[0];
        var from = deployments.FirstOrDefault(d => d.IsBooted) is { } booted && !booted.SameDeploymentAs(to) ? booted : deployments[1];
        return (from, to);
    }

    /// <summary>
    /// Resolves a revision for <c>db</c>: a deployment index (<c>0</c> = default), <c>booted</c>, a 64-hex checksum,
    /// a unique checksum prefix or a ref of the sysroot's repository.
    /// </summary>
    /// <exception cref="AptOstreeException">It names nothing (<see cref="LayeringErrorCodes.UnknownRevision"/>).</exception>
    public Checksum ResolveRevision(string revision)
    {
        ArgumentException.ThrowIfNullOrEmpty(revision);
        if (revision.Length <= 3 && revision.All(char.IsAsciiDigit))
        {
            var deployments = Sysroot.GetDeployments();
            int index = int.Parse(revision, System.Globalization.CultureInfo.InvariantCulture);
            return index < deployments.Count
                ? deployments[index].Commit
                : throw new AptOstreeException(LayeringErrorCodes.UnknownRevision, $"No deployment with index {index} (there are {deployments.Count}).");
        }

        if (revision == "booted")
        {
            return Sysroot.GetDeployments().FirstOrDefault(d => d.IsBooted) is { } booted
                ? booted.Commit
                : throw new AptOstreeException(LayeringErrorCodes.UnknownRevision, $"No booted deployment in '{Sysroot.Path}'.");
        }

        try
        {
            return Repository.ResolveRev(revision);
        }
        catch (AptOstreeException ex) when (ex is not PosixException)
        {
            throw new AptOstreeException(LayeringErrorCodes.UnknownRevision, $"'{revision}' is neither a deployment index, 'booted', a commit nor a ref of {Repository.Path}: {ex.Message}", ex);
        }
    }

    private static LayerInfo LayerOf(OstreeCommit commit)
    {
        if (commit.GetMetadata(LayeringMetadata.ClientLayer) is not { Value: true })
        {
            return LayerInfo.None;
        }

        var baseText = commit.GetMetadata(LayeringMetadata.BaseCommit)?.AsString();
        Checksum? @base = baseText is not null && Checksum.TryParse(baseText, out var parsed) ? parsed : commit.Parent;
        var packages = (commit.GetMetadata(LayeringMetadata.Packages)?.AsStrings() ?? [])
            .Select(s => s.Split(' ')).Where(f => f.Length == 3).Select(f => new DpkgPackage(f[0], f[1], f[2])).ToList();
        return new LayerInfo(@base, commit.GetMetadata(LayeringMetadata.ActiveRequests)?.AsStrings() ?? [], packages);
    }

    private sealed record LayerInfo(Checksum? Base, IReadOnlyList<string> ActiveRequests, IReadOnlyList<DpkgPackage> Packages)
    {
        public static LayerInfo None { get; } = new(null, [], []);
    }
}
