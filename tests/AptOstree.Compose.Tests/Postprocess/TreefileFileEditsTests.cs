using AptOstree.OSTree;
using AptOstree.Testing;

namespace AptOstree.Compose.Tests.Postprocess;

/// <summary><c>add-files</c> and <c>remove-files</c> on a small tree, then the OSTree layout and the real <c>ostree ls</c>.</summary>
public sealed class TreefileFileEditsTests
{
    private static PostprocessTree SmallTree()
    {
        var tree = new PostprocessTree();
        tree.File("usr/bin/tool", "#!/bin/sh\n", 0x1ED);
        tree.Symlink("bin", "usr/bin");
        tree.File("etc/motd", "hello\n");
        tree.File("etc/keep.conf", "keep\n");
        tree.File("usr/share/example/a", "a\n");
        tree.File("usr/share/example/sub/b", "b\n");
        tree.Symlink("usr/share/example-link", "example");
        return tree;
    }

    private static string OstreeLs(PostprocessTree tree, Checksum commit, string path) =>
        ExternalTool.Run("ostree", ["ls", "--repo=" + tree.RepositoryPath, commit.ToString(), path]).EnsureSuccess("ostree ls " + path).StandardOutput.Trim();

    [SkippableFact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public void AddFiles_EtcAndBinDestinations_LandInUsrEtcAndUsrBinWithTheSourceMode()
    {
        ExternalTool.Require("ostree");
        using var tree = SmallTree();
        string conf = tree.Combine("extra.conf");
        File.WriteAllText(conf, "extra=1\n");
        File.SetUnixFileMode(conf, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        string script = tree.Combine("hello.sh");
        File.WriteAllText(script, "#!/bin/sh\necho hi\n");
        File.SetUnixFileMode(script, (UnixFileMode)0x1ED);

        TreefileFileEdits.AddFiles(tree.Repository, tree.Root, [new(conf, "/etc/extra/extra.conf"), new(script, "/bin/hello")]);
        new OstreeLayout(tree.Repository).Apply(tree.Root, []);
        var (commit, _) = tree.CommitAndCheckout("added");

        // ostree ls: type+mode, uid, gid, size, path.
        Assert.Matches(@"^-00600 0 0 +8 /usr/etc/extra/extra\.conf$", OstreeLs(tree, commit, "/usr/etc/extra/extra.conf"));
        string dirLine = ExternalTool.Run("ostree", ["ls", "-d", "--repo=" + tree.RepositoryPath, commit.ToString(), "/usr/etc/extra"]).EnsureSuccess("ostree ls -d").StandardOutput.Trim();
        Assert.Matches(@"^d00755 0 0 +0 /usr/etc/extra$", dirLine);
        Assert.Matches(@"^-00755 0 0 +18 /usr/bin/hello$", OstreeLs(tree, commit, "/usr/bin/hello"));
        Assert.Equal("usr/bin", tree.Header("bin")!.SymlinkTarget);
    }

    [SkippableFact]
    public void RemoveFiles_DirectoryEtcFileAndSymlink_AreGoneAndTheRestStays()
    {
        ExternalTool.Require("ostree");
        using var tree = SmallTree();
        var removed = TreefileFileEdits.RemoveFiles(tree.Repository, tree.Root, ["usr/share/example", "etc/motd", "usr/share/example-link", "usr/share/not-there"]);
        Assert.Equal(["usr/share/example", "etc/motd", "usr/share/example-link"], removed);
        new OstreeLayout(tree.Repository).Apply(tree.Root, []);
        var (commit, dir) = tree.CommitAndCheckout("removed");

        Assert.False(Path.Exists(Path.Combine(dir, "usr/share/example")));
        Assert.False(Path.Exists(Path.Combine(dir, "usr/etc/motd")));
        Assert.Null(new FileInfo(Path.Combine(dir, "usr/share/example-link")).LinkTarget);
        Assert.Contains("/usr/etc/keep.conf", OstreeLs(tree, commit, "/usr/etc"), StringComparison.Ordinal);
    }

    [Fact]
    public void RemoveFiles_PathWithDotDot_ThrowsInvalidTreefileNamingTheField()
    {
        using var tree = SmallTree();
        var ex = Assert.Throws<AptOstreeException>(() => TreefileFileEdits.RemoveFiles(tree.Repository, tree.Root, ["usr/../../etc"], "t.yaml"));
        Assert.Equal(ComposeErrorCodes.InvalidTreefile, ex.ErrorCode);
        Assert.Contains("remove-files", ex.Message, StringComparison.Ordinal);
        Assert.NotNull(tree.Root.FindFile("etc/motd"));
    }

    [Fact]
    public void AddFiles_MissingSource_ThrowsInvalidTreefileNamingIt()
    {
        using var tree = SmallTree();
        string missing = tree.Combine("missing.conf");
        var ex = Assert.Throws<AptOstreeException>(() => TreefileFileEdits.AddFiles(tree.Repository, tree.Root, [new(missing, "/etc/missing.conf")], "t.yaml"));
        Assert.Equal(ComposeErrorCodes.InvalidTreefile, ex.ErrorCode);
        Assert.Contains(missing, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddFiles_DestinationIsADirectory_ThrowsInvalidTreefile()
    {
        using var tree = SmallTree();
        string conf = tree.Combine("x");
        File.WriteAllText(conf, "x");
        var ex = Assert.Throws<AptOstreeException>(() => TreefileFileEdits.AddFiles(tree.Repository, tree.Root, [new(conf, "/usr/share/example")]));
        Assert.Equal(ComposeErrorCodes.InvalidTreefile, ex.ErrorCode);
    }
}
