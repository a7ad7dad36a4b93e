using AptOstree.Testing;

namespace AptOstree.OSTree.Tests.Pull;

/// <summary>Pulls of trees shaped to defeat a naive walk (issue 15, D03 and D04), against ostree pull-local.</summary>
public class TreeShapePullTests
{
    /// <summary>
    /// 41 dirtrees whose directories share their child make 2^40 paths: a walk without a visited set never ends
    /// (the wait below is only a bound on a hang, not a timing assertion).
    /// </summary>
    [SkippableFact]
    public async Task PullLocal_DagShapedTree_FetchesEachDirtreeOnceAndMatchesOstree()
    {
        ExternalTool.Require("ostree");
        using var tmp = new TempDirectory("ostree-dag-");
        var source = OstreeRepository.Create(tmp.Combine("source"), RepoMode.BareUser);
        var commit = TreeShapes.WriteDag(source, 40, "evil");
        OstreeTestTrees.Ostree("--repo=" + source.Path, "fsck");

        var ours = OstreeRepository.Create(tmp.Combine("ours"), RepoMode.Archive);
        var pull = ours.PullLocalAsync(source.Path, "evil");
        Assert.Equal(commit, await pull.WaitAsync(TimeSpan.FromMinutes(5)));

        string theirs = tmp.Combine("theirs");
        OstreeTestTrees.Ostree("--repo=" + theirs, "init", "--mode=archive");
        OstreeTestTrees.Ostree("--repo=" + theirs, "pull-local", source.Path, "evil");
        Assert.Equal(Objects(theirs), Objects(ours.Path));
        OstreeTestTrees.Ostree("--repo=" + ours.Path, "fsck");
        Assert.True(ours.Fsck().IsClean);
    }

    /// <summary>A legitimate commit 8,000 directories deep, made by <c>ostree commit</c>, pulls (it overflowed the stack, exit 139).</summary>
    [SkippableFact]
    public async Task PullLocal_Depth8000CommitMadeByOstree_Pulls()
    {
        ExternalTool.Require("ostree", "perl");
        using var tmp = new TempDirectory("ostree-deep-pull-");
        string tree = tmp.Combine("tree");

        // perl walks down by relative chdir without a process per level (a bash loop forks 8,000 mkdirs).
        ExternalTool.Run("perl", ["-e", "mkdir 'tree' or die; chdir 'tree' or die; for (1..8000) { mkdir 'a' or die; chdir 'a' or die } open(my $f, '>', 'leaf') or die; print $f \"x\\n\";"], workingDirectory: tmp.Path).EnsureSuccess("deep tree");
        string source = tmp.Combine("source");
        OstreeTestTrees.Ostree("--repo=" + source, "init", "--mode=bare-user");
        OstreeTestTrees.Ostree("--repo=" + source, "commit", "-b", "deep", "--tree=dir=" + tree);
        ExternalTool.Run("rm", ["-rf", tree]);

        var ours = OstreeRepository.Create(tmp.Combine("ours"), RepoMode.Archive);
        var commit = await ours.PullLocalAsync(source, "deep");
        Assert.Equal(OstreeTestTrees.Ostree("--repo=" + source, "rev-parse", "deep").Trim(), commit.ToString());
        Assert.True(ours.Fsck().IsClean);
        OstreeTestTrees.Ostree("--repo=" + ours.Path, "fsck");
        Assert.Equal(Objects(source).Count, Objects(ours.Path).Count);
    }

    private static List<string> Objects(string repo) =>
        Directory.EnumerateFiles(Path.Combine(repo, "objects"), "*", SearchOption.AllDirectories)
            .Select(f => Path.GetFileNameWithoutExtension(f) + Path.GetExtension(f).Replace("filez", "file", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal).ToList();
}
