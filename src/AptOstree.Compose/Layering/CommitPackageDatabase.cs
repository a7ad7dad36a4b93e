using AptOstree.Deb.Dpkg;
using AptOstree.Deb.Solver;
using AptOstree.OSTree;

namespace AptOstree.Compose.Layering;

/// <summary>
/// Reads the dpkg database inside a commit straight from the repository's objects, without a checkout: the relocated
/// database of composed trees (<see cref="VarTmpfiles.DpkgDatabase"/>) or, for trees committed from a plain root,
/// <c>var/lib/dpkg</c>.
/// </summary>
public static class CommitPackageDatabase
{
    /// <summary>Where the status file is looked for, in order.</summary>
    public static IReadOnlyList<string> StatusPaths { get; } = [VarTmpfiles.DpkgDatabase + "/status", "var/lib/dpkg/status"];

    /// <summary>The packages whose files are in the commit, in the status file's order.</summary>
    /// <exception cref="AptOstreeException">The commit has no dpkg status file (<see cref="LayeringErrorCodes.NoPackageDatabase"/>) or it is malformed.</exception>
    public static IReadOnlyList<DpkgPackage> Read(OstreeRepository repository, Checksum commit) =>
        ReadInstalled(repository, commit).Select(p => new DpkgPackage(p.Name, p.Version, p.Architecture)).ToList();

    /// <summary>The packages whose files are in the commit with their relations, installed, as the solver reads dpkg's status.</summary>
    /// <exception cref="AptOstreeException">The commit has no dpkg status file (<see cref="LayeringErrorCodes.NoPackageDatabase"/>) or it is malformed.</exception>
    public static IReadOnlyList<UniversePackage> ReadInstalled(OstreeRepository repository, Checksum commit)
    {
        ArgumentNullException.ThrowIfNull(repository);
        var browser = repository.Browse();
        foreach (var path in StatusPaths)
        {
            if (!TryFindRegularFile(repository, commit, path))
            {
                continue;
            }

            using var content = browser.OpenFile(commit, path);
            return DpkgStatusReader.Read(content.Content, $"{commit}:/{path}");
        }

        throw new AptOstreeException(LayeringErrorCodes.NoPackageDatabase, $"Commit {commit} has no dpkg database (looked for /{string.Join(" and /", StatusPaths)}).");
    }

    private static bool TryFindRegularFile(OstreeRepository repository, Checksum commit, string path)
    {
        var c = repository.ReadCommit(commit);
        var tree = repository.Objects.ReadDirTree(c.RootTree);
        var parts = path.Split('/');
        for (int i = 0; i < parts.Length - 1; i++)
        {
            if (tree.FindDirectory(parts[i]) is not { } d)
            {
                return false;
            }

            tree = repository.Objects.ReadDirTree(d.TreeChecksum);
        }

        return tree.FindFile(parts[^1]) is { } f && !repository.Objects.ReadContentHeader(f.Checksum).IsSymlink;
    }
}
