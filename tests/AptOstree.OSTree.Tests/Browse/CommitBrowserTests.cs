using AptOstree.Testing;

namespace AptOstree.OSTree.Tests.Browse;

/// <summary>ls, cat, log and diff agree with ostree's own output.</summary>
public class CommitBrowserTests
{
    [SkippableFact]
    public void LsCatLogDiffMatchOstree()
    {
        ExternalTool.Require("ostree");
        using var tmp = new TempDirectory("ostree-browse-");
        string tree = tmp.Combine("tree");
        OstreeTestTrees.BuildGolden(tree, includeSpecialModes: false);
        var repo = OstreeRepository.Create(tmp.Combine("repo"), RepoMode.Archive);
        var first = repo.Commit(tree, new CommitOptions { Branch = "t", Subject = "first" });
        File.WriteAllText(Path.Combine(tree, "hello.txt"), "changed\n");
        File.Delete(Path.Combine(tree, "empty"));
        Directory.CreateDirectory(Path.Combine(tree, "newdir/inner"));
        File.WriteAllText(Path.Combine(tree, "newdir/inner/x"), "x");
        var second = repo.Commit(tree, new CommitOptions { Branch = "t", Subject = "second" });

        var browser = repo.Browse();
        foreach (bool checksums in new[] { false, true })
        {
            string expected = OstreeTestTrees.Ostree(["--repo=" + repo.Path, "ls", "-R", .. (checksums ? new[] { "-C" } : []), "t"]);
            string actual = string.Concat(browser.List(second, "/", recursive: true).Select(e => e.ToLsLine(checksums) + "\n"));
            Assert.Equal(expected, actual);
        }

        using (var content = browser.OpenFile(second, "/hello.txt"))
        using (var reader = new StreamReader(content.Content))
        {
            Assert.Equal(OstreeTestTrees.Ostree("--repo=" + repo.Path, "cat", "t", "/hello.txt"), reader.ReadToEnd());
        }

        Assert.Equal(new[] { second, first }, browser.Log(second).Select(l => l.Checksum));
        Assert.Equal(first, repo.ReadCommit(second).Parent);
        string ostreeDiff = OstreeTestTrees.Ostree("--repo=" + repo.Path, "diff", first.ToString(), second.ToString());
        Assert.Equal(ostreeDiff, string.Concat(browser.Diff(first, second).Select(d => d + "\n")));
    }
}
