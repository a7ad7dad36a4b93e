using AptOstree.Testing;

namespace AptOstree.OSTree.Tests.Maintenance;

/// <summary>
/// No walk recurses on a tree's depth (issue 15, D04): fsck, prune, log, ls, diff and checkout of a commit 12,000
/// directories deep end normally (a stack overflow kills the test host), and ostree agrees on the repository.
/// </summary>
public class DeepTreeTests
{
    private const int Depth = 12000;

    [SkippableFact]
    public void Walks_Depth12000Commit_CompleteWithoutStackOverflow()
    {
        ExternalTool.Require("ostree");
        using var tmp = new TempDirectory("ostree-deep-");
        var repo = OstreeRepository.Create(tmp.Combine("repo"), RepoMode.BareUser, new RepositoryOptions { Fsync = false });
        var first = TreeShapes.WriteChain(repo, Depth, "deep");
        var second = TreeShapes.WriteChain(repo, Depth, "deeper", leafName: "other");
        OstreeTestTrees.Ostree("--repo=" + repo.Path, "fsck");

        var fsck = repo.Fsck();
        Assert.True(fsck.IsClean, string.Join('\n', fsck.Problems.Select(p => p.Message)));
        Assert.Equal(2, fsck.CommitsChecked);

        var listed = repo.Browse().List(first, "/", recursive: true).ToList();
        Assert.Equal(Depth + 2, listed.Count);
        Assert.EndsWith("/a/leaf", listed[^1].Path, StringComparison.Ordinal);

        var diff = repo.Browse().Diff(first, second);
        Assert.Equal([TreeChangeKind.Removed, TreeChangeKind.Added], diff.Select(d => d.Kind));
        Assert.EndsWith("/a/leaf", diff[0].Path, StringComparison.Ordinal);
        Assert.Single(repo.Browse().Log(first));

        // The descriptor-relative hardlink checkout has no PATH_MAX limit, as ostree's.
        string co = tmp.Combine("co");
        repo.Checkout(first, co, new CheckoutOptions { Mode = CheckoutMode.User });
        Assert.Equal("x\n", ExternalTool.Output("perl", "-e", $"chdir '{co}' or die; for (1..{Depth}) {{ chdir 'a' or die \"depth $_: $!\" }} open my $f, '<', 'leaf' or die; print <$f>;"));
        ExternalTool.Run("rm", ["-rf", co]);

        // The path-based copy path fails with our error at PATH_MAX instead of overflowing the stack.
        Assert.ThrowsAny<AptOstreeException>(() => repo.Checkout(first, tmp.Combine("copy"), new CheckoutOptions { Mode = CheckoutMode.User, ForceCopy = true }));
        ExternalTool.Run("rm", ["-rf", tmp.Combine("copy")]);

        repo.Refs.Delete("deeper");
        var pruned = repo.Prune(new PruneOptions { RefsOnly = true });
        Assert.Equal(Depth + 2, pruned.ObjectsPruned);
        Assert.Empty(pruned.UnreadableObjects);
        OstreeTestTrees.Ostree("--repo=" + repo.Path, "fsck");
    }
}
