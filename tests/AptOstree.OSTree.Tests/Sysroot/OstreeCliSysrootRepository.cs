using AptOstree.OSTree.Sysroot;
using AptOstree.Testing;

namespace AptOstree.OSTree.Tests.Sysroot;

/// <summary>
/// Test backend of <see cref="ISysrootRepository"/> that drives the real <c>ostree</c> CLI, so the deployment manager
/// can be tested independently of the managed repository code.
/// </summary>
internal sealed class OstreeCliSysrootRepository(string repoPath) : ISysrootRepository
{
    public string ResolveRevision(string refspec) =>
        ExternalTool.Output("ostree", $"--repo={repoPath}", "rev-parse", refspec).Trim();

    public string? GetCommitVersion(string commit)
    {
        var result = ExternalTool.Run("ostree", [$"--repo={repoPath}", "show", "--print-metadata-key=version", commit]);
        return result.ExitCode == 0 ? result.StandardOutput.Trim().Trim('\'') : null;
    }

    public void CheckoutForDeployment(string commit, string destination, CancellationToken cancellationToken) =>
        ExternalTool.Output("ostree", $"--repo={repoPath}", "checkout", "-H", "--process-passthrough-whiteouts", commit, destination);

    public IReadOnlyDictionary<string, string> ListRefs(string prefix)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        string root = Path.Combine(repoPath, "refs", "heads");
        string dir = Path.Combine(root, prefix);
        if (Directory.Exists(dir))
        {
            foreach (var file in Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories))
            {
                result[Path.GetRelativePath(root, file)] = File.ReadAllText(file).Trim();
            }
        }

        return result;
    }

    public void SetRef(string name, string? commit)
    {
        ExternalTool.Run("ostree", [$"--repo={repoPath}", "refs", "--delete", name]);
        if (commit is not null)
        {
            ExternalTool.Output("ostree", $"--repo={repoPath}", "refs", $"--create={name}", commit);
        }
    }

    public int Prune(CancellationToken cancellationToken)
    {
        ExternalTool.Output("ostree", $"--repo={repoPath}", "prune", "--refs-only", "--depth=0");
        return 0;
    }
}
