using AptOstree.Testing;

namespace AptOstree.Samples.Tests.Cli;

/// <summary>`commit --statoverride / --skip-list` give the commit ostree gives for the same tree, and fail where it fails.</summary>
public class OstreeCommitFilterCliTests
{
    [SkippableFact]
    public void StatOverrideAndSkipList_FromADirectoryAndATar_SameCommitAsOstree()
    {
        ExternalTool.Require("ostree", "tar");
        using var tmp = new TempDirectory("cli-commit-filter-");
        string tree = tmp.Combine("tree");
        foreach (string dir in new[] { "usr/bin", "etc", "var/cache/apt" })
        {
            Directory.CreateDirectory(Path.Combine(tree, dir));
        }

        File.WriteAllText(Path.Combine(tree, "usr/bin/sudo"), "sudo");
        ExternalTool.Output("chmod", "0755", Path.Combine(tree, "usr/bin/sudo"));
        File.WriteAllText(Path.Combine(tree, "etc/shadow"), "secret");
        File.WriteAllText(Path.Combine(tree, "var/cache/apt/pkgcache.bin"), "cache");
        File.WriteAllText(Path.Combine(tree, "etc/skipped"), "x");
        File.WriteAllText(tmp.Combine("statoverride"), "+2048 /usr/bin/sudo\n=384 /etc/shadow\n\n");
        File.WriteAllText(tmp.Combine("skiplist-dir"), "/var/cache/apt\n/etc/skipped\n");

        // ostree's tar import skips a listed directory's entry but not the entries below it (it then fails on them).
        File.WriteAllText(tmp.Combine("skiplist-tar"), "/var/cache/apt/pkgcache.bin\n/etc/skipped\n");
        ExternalTool.Output("tar", "-C", tree, "--owner=0", "--group=0", "-cf", tmp.Combine("tree.tar"), ".");

        foreach (string source in new[] { "--tree=dir=" + tree, "--tree=tar=" + tmp.Combine("tree.tar") })
        {
            string name = source.Contains("tar=", StringComparison.Ordinal) ? "tar" : "dir";
            string theirs = tmp.Combine("theirs-" + name);
            string ours = tmp.Combine("ours-" + name);
            ExternalTool.Output("ostree", "--repo=" + theirs, "init", "--mode=archive");
            ExternalTool.Output("ostree", "--repo=" + ours, "init", "--mode=archive");
            string[] args = ["-b", "os", "--timestamp=@1700000000", "-s", "filtered", "--owner-uid=0", "--owner-gid=0",
                "--statoverride=" + tmp.Combine("statoverride"), "--skip-list=" + tmp.Combine("skiplist-" + name), source];
            string expected = ExternalTool.Output("ostree", ["--repo=" + theirs, "commit", .. args]).Trim();
            string actual = SampleTools.AptOstree(["ostree", "commit", "--repo=" + ours, .. args]).EnsureSuccess("commit " + name).StandardOutput.Trim();
            Assert.Equal(expected, actual);
            Assert.Contains("-04755 ", ExternalTool.Output("ostree", "--repo=" + ours, "ls", "os", "/usr/bin/sudo"), StringComparison.Ordinal);
            Assert.DoesNotContain("pkgcache.bin", ExternalTool.Output("ostree", "--repo=" + ours, "ls", "-R", "os"), StringComparison.Ordinal);

            // A path that matches nothing fails the commit in both, and the branch stays where it was.
            File.WriteAllText(tmp.Combine("unmatched"), "+2048 /usr/bin/nosuch\n");
            string[] bad = ["-b", "os", "--statoverride=" + tmp.Combine("unmatched"), source];
            Assert.NotEqual(0, ExternalTool.Run("ostree", ["--repo=" + theirs, "commit", .. bad]).ExitCode);
            OstreeCliTests.AssertOneLineError(SampleTools.AptOstree(["ostree", "commit", "--repo=" + ours, .. bad]), "AO3017");
            Assert.Equal(expected + "\n", ExternalTool.Output("ostree", "--repo=" + ours, "rev-parse", "os"));
        }
    }
}
