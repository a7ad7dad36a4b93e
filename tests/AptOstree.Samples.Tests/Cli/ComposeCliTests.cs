using AptOstree.Testing;

namespace AptOstree.Samples.Tests.Cli;

/// <summary>
/// `apt-ostree compose tree` on the host's APT lists. The full compose is proven once per run by the Compose tests'
/// shared fixture; here the CLI's plan, resolved treefile and errors.
/// </summary>
public class ComposeCliTests
{
    private static string Treefile(string extra = "")
    {
        string dir = Directory.CreateTempSubdirectory("aptostree-compose-cli-").FullName;
        string path = Path.Combine(dir, "tree.yaml");
        File.WriteAllText(path, "ref: test/minbase\nbase: debian:12\nvariant: minbase\n" + extra);
        return path;
    }

    private static void RequireLists() =>
        Skip.IfNot(Directory.Exists("/var/lib/apt/lists") && Directory.EnumerateFiles("/var/lib/apt/lists", "*bookworm*_Packages*").Any(),
            "no bookworm Packages indexes in /var/lib/apt/lists; run apt-get update.");

    [SkippableFact]
    public void ComposeTreeDryRun_Minbase_PrintsThePlanAndWritesNoRepository()
    {
        RequireLists();
        string treefile = Treefile();
        string repo = Path.Combine(Path.GetDirectoryName(treefile)!, "repo");
        var result = SampleTools.AptOstree("compose", "tree", treefile, "--repo=" + repo, "--cachedir=" + Path.Combine(Path.GetDirectoryName(treefile)!, "cache"), "--dry-run");
        Assert.True(result.ExitCode == 0, result.StandardError);
        var names = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.Split(' ').Length == 3).Select(l => l.Split(' ')[0]).ToList();
        Assert.Contains("dpkg", names);
        Assert.Contains("apt", names);
        Assert.Contains("base-files", names);
        Assert.DoesNotContain("systemd", names);
        Assert.Matches(@"\d+ packages, [\d.]+ MiB to download", result.StandardOutput);
        Assert.False(Directory.Exists(Path.Combine(repo, "refs", "heads", "test")));
    }

    [SkippableFact]
    public void ComposeTreePrintOnly_IncludeAndVariables_PrintsResolvedJson()
    {
        string treefile = Treefile("packages: [hello]\n");
        var result = SampleTools.AptOstree("compose", "tree", treefile, "--repo=/nonexistent", "--print-only");
        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Contains("\"ref\": \"test/minbase\"", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("\"hello\"", result.StandardOutput, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void ComposeTree_UnknownPackage_FailsNamingItAndCommitsNothing()
    {
        RequireLists();
        string treefile = Treefile("packages: [no-such-package-aptostree]\n");
        string repo = Path.Combine(Path.GetDirectoryName(treefile)!, "repo");
        var result = SampleTools.AptOstree("compose", "tree", treefile, "--repo=" + repo, "--cachedir=" + Path.Combine(Path.GetDirectoryName(treefile)!, "cache"));
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("no-such-package-aptostree", result.StandardError, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(repo, "refs", "heads", "test", "minbase")));
    }
}
