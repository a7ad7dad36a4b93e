using AptOstree.Compose;
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
    public void ComposeTreeLockfile_LockfileOutThenLockfile_SamePlanAndAVersionTheIndexesLackFails()
    {
        RequireLists();
        string treefile = Treefile();
        string dir = Path.GetDirectoryName(treefile)!;
        string[] common = [treefile, "--repo=" + Path.Combine(dir, "repo"), "--cachedir=" + Path.Combine(dir, "cache"), "--dry-run"];
        string lockfile = Path.Combine(dir, "tree.lock");
        var written = SampleTools.AptOstree(["compose", "tree", .. common, "--lockfile-out=" + lockfile]);
        Assert.True(written.ExitCode == 0, written.StandardError);
        string text = File.ReadAllText(lockfile);
        Assert.StartsWith("Lockfile-Format: 1\nSource-Date-Epoch: ", text, StringComparison.Ordinal);
        Assert.Contains("\nPackage: dpkg\n", text, StringComparison.Ordinal);

        var locked = SampleTools.AptOstree(["compose", "tree", .. common, "--lockfile=" + lockfile]);
        Assert.True(locked.ExitCode == 0, locked.StandardError);
        Assert.Equal(written.StandardOutput, locked.StandardOutput);

        // A lockfile pinning a version no index holds (the sources moved on) fails naming the package and version.
        var dpkg = ComposeLockfile.Parse(text).Packages.Single(p => p.Name == "dpkg");
        File.WriteAllText(lockfile, text.Replace($"Package: dpkg\nVersion: {dpkg.Version}\n", "Package: dpkg\nVersion: 0.0-aptostree-missing\n", StringComparison.Ordinal));
        var missing = SampleTools.AptOstree(["compose", "tree", .. common, "--lockfile=" + lockfile]);
        Assert.NotEqual(0, missing.ExitCode);
        Assert.Contains("dpkg 0.0-aptostree-missing", missing.StandardError, StringComparison.Ordinal);
        Assert.Contains("AO6103", missing.StandardError, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void ComposeTree_GpgSignFromAGnupgHomedir_CommitThatOstreeVerifies()
    {
        RequireLists();
        ExternalTool.Require("bwrap", "ostree", "dpkg", "gpg");
        using var gpg = GpgTestKey.Create("compose-cli@example.invalid");
        string treefile = Treefile();
        string dir = Path.GetDirectoryName(treefile)!;
        string repo = Path.Combine(dir, "repo");

        // The Compose tests' package cache, when a run filled it, saves downloading minbase again (the downloads are verified either way).
        string cache = Path.Combine(Environment.GetEnvironmentVariable("APTOSTREE_TEST_CACHE") ?? "/tmp/aptostree-test-cache", "compose", "cache");
        Directory.CreateDirectory(cache);
        try
        {
            var result = SampleTools.AptOstree("compose", "tree", treefile, "--repo=" + repo, "--cachedir=" + cache,
                "--gpg-sign=" + gpg.Email, "--gpg-homedir=" + gpg.Home, "--write-commitid-to=" + Path.Combine(dir, "commitid"));
            Assert.True(result.ExitCode == 0, result.StandardError);

            string commit = File.ReadAllText(Path.Combine(dir, "commitid")).Trim();
            Assert.Equal(commit, ExternalTool.Output("ostree", "--repo=" + repo, "rev-parse", "test/minbase").Trim());
            string shown = ExternalTool.Output("ostree", "--repo=" + repo, "show", "--gpg-homedir=" + gpg.KeysDirectory, commit);
            Assert.Contains("Found 1 signature", shown, StringComparison.Ordinal);
            Assert.Contains("Good signature from \"Test <compose-cli@example.invalid>\"", shown, StringComparison.Ordinal);
            ExternalTool.Run("ostree", ["fsck", "--repo=" + repo]).EnsureSuccess("ostree fsck");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
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
