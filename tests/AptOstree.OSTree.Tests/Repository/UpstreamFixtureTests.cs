using AptOstree.Testing;

namespace AptOstree.OSTree.Tests.Repository;

/// <summary>libostree's own golden fixtures (Debian package ostree-tests).</summary>
public class UpstreamFixtureTests
{
    private const string Fixtures = "/usr/libexec/installed-tests/libostree";

    [SkippableFact]
    public void ReadsBareSplitXattrsFixture()
    {
        ExternalTool.Require("tar", Fixtures + "/bare-split-xattrs-basic.tar.xz");
        using var tmp = new TempDirectory("ostree-fixture-");
        ExternalTool.Run("tar", ["-xaf", Fixtures + "/bare-split-xattrs-basic.tar.xz", "-C", tmp.Path]).EnsureSuccess("tar");
        var repo = OstreeRepository.Open(tmp.Combine("repo"));
        Assert.Equal(RepoMode.BareSplitXattrs, repo.Mode);
        var commit = Checksum.Parse("d614c428015227259031b0f19b934dade908942fd71c49047e0daa70e7800a5d");
        var entries = repo.Browse().List(commit, "/", recursive: true).ToDictionary(e => e.Path);
        var bar = Assert.Single(entries["/bar"].Xattrs);
        Assert.Equal("user.mykey", bar.Name);
        Assert.Equal("myvalue"u8.ToArray(), bar.Value);
        Assert.Empty(entries["/foo"].Xattrs);
        Assert.Equal("foo", entries["/foolink"].SymlinkTarget);
        Assert.True(repo.Fsck().IsClean);
        repo.Checkout(commit, tmp.Combine("co"), new CheckoutOptions { Mode = CheckoutMode.User });
        Assert.Equal("foo", File.ReadAllText(tmp.Combine("co/foolink")).Length > 0 ? new FileInfo(tmp.Combine("co/foolink")).LinkTarget : null);
    }

    [SkippableFact]
    public void PathTraversalFixtureIsRejectedLikeOstree()
    {
        ExternalTool.Require("tar", Fixtures + "/ostree-path-traverse.tar.gz");
        using var tmp = new TempDirectory("ostree-fixture-");
        ExternalTool.Run("tar", ["-xzf", Fixtures + "/ostree-path-traverse.tar.gz", "-C", tmp.Path]).EnsureSuccess("tar");
        var repo = OstreeRepository.Open(tmp.Combine("ostree-path-traverse/repo"));
        var fsck = repo.Fsck();
        Assert.Contains(fsck.Problems, p => p.Message.Contains("ae9a5d27", StringComparison.Ordinal) && p.Message.Contains("../afile", StringComparison.Ordinal));
        Assert.ThrowsAny<InvalidFormatException>(() => repo.Checkout("pathtraverse-test", tmp.Combine("dest/co")));
        Assert.False(File.Exists(tmp.Combine("dest/afile")));
        Assert.False(File.Exists(tmp.Combine("afile")));
    }
}
