using AptOstree.Testing;

namespace AptOstree.Samples.Tests.Cli;

/// <summary>Without `--repo`, the repository is found as ostree finds it: the current directory, then OSTREE_REPO.</summary>
public class OstreeRepoLookupCliTests
{
    [SkippableFact]
    public void Refs_WithoutRepoOption_FindsTheRepositoryWhereOstreeDoes()
    {
        ExternalTool.Require("ostree");
        using var tmp = new TempDirectory();
        Directory.CreateDirectory(tmp.Combine("tree"));
        File.WriteAllText(tmp.Combine("tree", "f"), "f\n");
        foreach (var name in new[] { "cwd", "env" })
        {
            ExternalTool.Output("ostree", "init", "--repo=" + tmp.Combine(name), "--mode=archive");
            ExternalTool.Output("ostree", "commit", "--repo=" + tmp.Combine(name), "-b", "only-in-" + name, tmp.Combine("tree"));
        }

        Directory.CreateDirectory(tmp.Combine("elsewhere"));
        (string Directory, string? OstreeRepo, string[] Args)[] cases =
        [
            (tmp.Combine("cwd"), null, ["refs"]),                                   // the current directory is a repository
            (tmp.Combine("elsewhere"), tmp.Combine("env"), ["refs"]),               // OSTREE_REPO
            (tmp.Combine("cwd"), tmp.Combine("env"), ["refs"]),                     // the current directory wins over OSTREE_REPO
            (tmp.Combine("elsewhere"), tmp.Combine("env"), ["refs", "--repo=" + tmp.Combine("cwd")]), // --repo wins over both
            (tmp.Combine("elsewhere"), tmp.Combine("nothing"), ["refs"]),           // OSTREE_REPO naming no repository
            (tmp.Combine("elsewhere"), "", ["refs"]),                               // empty OSTREE_REPO: the system repository
            (tmp.Combine("elsewhere"), tmp.Combine("new"), ["init", "--mode=archive"]), // init needs --repo
        ];
        foreach (var (directory, ostreeRepo, args) in cases)
        {
            var environment = new Dictionary<string, string> { ["OSTREE_REPO"] = ostreeRepo ?? string.Empty };
            if (ostreeRepo is null)
            {
                environment.Remove("OSTREE_REPO");
            }

            var theirs = ExternalTool.Run("ostree", args, directory, environment: environment);
            var ours = SampleTools.AptOstreeIn(directory, environment, ["ostree", .. args]);
            string what = $"{string.Join(' ', args)} in {Path.GetFileName(directory)} with OSTREE_REPO={ostreeRepo}";
            Assert.True(theirs.ExitCode == 0 == (ours.ExitCode == 0), $"{what}: ostree exited {theirs.ExitCode}, we exited {ours.ExitCode}: {ours.StandardError}");
            Assert.Equal(theirs.StandardOutput, ours.StandardOutput);
            if (theirs.ExitCode != 0)
            {
                Assert.Equal(2, ours.ExitCode);
                Assert.StartsWith($"apt-ostree: error {CoreErrorCodes.InvalidArgument}: Command requires a --repo argument", ours.StandardError, StringComparison.Ordinal);
                Assert.Contains("error: Command requires a --repo argument", theirs.StandardError, StringComparison.Ordinal);
            }
        }
    }
}
