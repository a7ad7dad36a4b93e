using AptOstree.Testing;

namespace AptOstree.Compose.Tests.Postprocess;

/// <summary><c>mutate-os-release</c>: the file <c>/etc/os-release</c> links to gains the commit version, read back by a real shell and <c>ostree cat</c>.</summary>
public sealed class OsReleaseMutationTests
{
    // base-files 12.4+deb12u* (bookworm) as shipped in /usr/lib/os-release.
    private const string Bookworm = """
        PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
        NAME="Debian GNU/Linux"
        VERSION_ID="12"
        VERSION="12 (bookworm)"
        VERSION_CODENAME=bookworm
        ID=debian
        ANSI_COLOR="1;31"

        """;

    [SkippableFact]
    public void Apply_BookwormOsRelease_VersionAndPrettyNameGainTheCommitVersionThroughTheEtcLink()
    {
        ExternalTool.Require("ostree", "sh");
        using var tree = new PostprocessTree();
        tree.File("usr/lib/os-release", Bookworm);
        tree.Symlink("etc/os-release", "../usr/lib/os-release");

        Assert.True(OsReleaseMutation.Apply(tree.Repository, tree.Root, "12", "12.20261205.1"));
        var (commit, _) = tree.CommitAndCheckout("mutated");

        Assert.Equal("../usr/lib/os-release", tree.Header("etc/os-release")!.SymlinkTarget);
        string text = ExternalTool.Run("ostree", ["cat", "--repo=" + tree.RepositoryPath, commit.ToString(), "/usr/lib/os-release"]).EnsureSuccess("ostree cat").StandardOutput;
        string path = tree.Combine("os-release");
        File.WriteAllText(path, text);
        string values = ExternalTool.Run("sh", ["-c", ". \"$1\"; printf '%s|%s|%s|%s' \"$PRETTY_NAME\" \"$VERSION\" \"$VERSION_ID\" \"$OSTREE_VERSION\"", "sh", path]).EnsureSuccess("sh").StandardOutput;
        Assert.Equal("Debian GNU/Linux 12.20261205.1 (bookworm)|12.20261205.1 (bookworm)|12|12.20261205.1", values);
        Assert.EndsWith("OSTREE_VERSION='12.20261205.1'\n", text, StringComparison.Ordinal);
        Assert.Equal(0x1A4u, tree.Header("usr/lib/os-release")!.Mode & 0xFFF);
    }

    [Fact]
    public void Apply_NoCommitVersion_LeavesOsReleaseAlone()
    {
        using var tree = new PostprocessTree();
        tree.File("usr/lib/os-release", Bookworm);
        tree.Symlink("etc/os-release", "../usr/lib/os-release");
        Assert.False(OsReleaseMutation.Apply(tree.Repository, tree.Root, "12", null));
        Assert.Equal(Bookworm, tree.Text("usr/lib/os-release"));
    }

    [Fact]
    public void Apply_TreeWithoutOsRelease_ThrowsPostprocessFailed()
    {
        using var tree = new PostprocessTree();
        var ex = Assert.Throws<AptOstreeException>(() => OsReleaseMutation.Apply(tree.Repository, tree.Root, "12", "12.1"));
        Assert.Equal(ComposeErrorCodes.PostprocessFailed, ex.ErrorCode);
        Assert.Contains("os-release", ex.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void Mutate_VersionWithAQuote_ShellReadsItBack()
    {
        ExternalTool.Require("sh");
        string text = OsReleaseMutation.Mutate("VERSION=\"12\"\n", "12", "12'x");
        using var temp = new TempDirectory();
        File.WriteAllText(temp.Combine("os-release"), text);
        string value = ExternalTool.Run("sh", ["-c", ". \"$1\"; printf '%s|%s' \"$VERSION\" \"$OSTREE_VERSION\"", "sh", temp.Combine("os-release")]).EnsureSuccess("sh").StandardOutput;
        Assert.Equal("12'x|12'x", value);
    }
}
