using AptOstree.OSTree.Sysroot;
using AptOstree.OSTree.Tests.Sysroot;
using AptOstree.Testing;

namespace AptOstree.OSTree.Tests.Repository;

/// <summary>
/// The one keyfile parser, checked against files the real <c>ostree</c> rewrites: a repository <c>config</c> after
/// <c>ostree config set/unset</c> and <c>ostree remote add</c>, and a deployment origin after <c>ostree admin pin</c>.
/// </summary>
public sealed class KeyFileTests
{
    /// <summary>Comments, blank lines, CRLF, a repeated group, repeated keys, blanks around '=' and trailing blanks.</summary>
    private const string Messy =
        "# written by hand\n[core]\r\nrepo_version=1\n  mode = archive-z2\n# about x\nx=1\nx=2\n\n\nsingle=yes\n"
        + "[remote \"a\"]  \nurl\t=\t file:///x \n[empty]\n[core]\nx=3\n#c\n";

    [SkippableFact]
    public void KeyFile_OstreeConfigEdits_WritesTheBytesOstreeWrites()
    {
        ExternalTool.Require("ostree");
        using var temp = new TempDirectory("aptostree-keyfile-");
        string repo = temp.Combine("repo");
        Ostree("init", $"--repo={repo}", "--mode=archive");
        File.WriteAllText($"{repo}/config", Messy);

        var ours = KeyFile.Parse(Messy, "config");
        Assert.Equal(Ostree("config", $"--repo={repo}", "get", "core.x").TrimEnd('\n'), ours.GetString("core", "x"));
        Assert.Equal(Ostree("config", $"--repo={repo}", "get", "remote \"a\".url").TrimEnd('\n'), ours.GetString("remote \"a\"", "url"));

        Ostree("config", $"--repo={repo}", "set", "core.newkey", "v");
        ours.SetString("core", "newkey", "v");
        Assert.Equal(File.ReadAllText($"{repo}/config"), ours.ToString());

        Ostree("config", $"--repo={repo}", "set", "core.x", "9");
        Ostree("config", $"--repo={repo}", "set", "remote \"a\".gpg-verify", "false");
        Ostree("config", $"--repo={repo}", "set", "other.k", " lead\\and\ttab");
        Ostree("config", $"--repo={repo}", "unset", "core.single");
        Ostree("remote", "add", $"--repo={repo}", "--no-gpg-verify", "b", "http://127.0.0.1:1/b");
        ours.SetString("core", "x", "9");
        ours.SetString("remote \"a\"", "gpg-verify", "false");
        ours.SetString("other", "k", " lead\\and\ttab");
        Assert.True(ours.Remove("core", "single"));
        ours.SetString("remote \"b\"", "url", "http://127.0.0.1:1/b");
        ours.SetString("remote \"b\"", "gpg-verify", "false");

        string written = File.ReadAllText($"{repo}/config");
        Assert.Equal(written, ours.ToString());
        Assert.Equal(written, KeyFile.Parse(written, "config").ToString());
        Assert.Equal(" lead\\and\ttab", KeyFile.Parse(written, "config").GetString("other", "k"));
        Assert.Equal(RepoMode.Archive, OstreeRepository.Open(repo).Mode);
    }

    [SkippableFact]
    public void DeploymentOrigin_OstreeAdminPinAndUnpin_WritesTheBytesOstreeWrites()
    {
        using var fx = new SysrootFixture();
        fx.Commit(fx.NewTree(), "1.0");
        string sr = fx.NewSysroot();
        SysrootFixture.Ostree("admin", "deploy", $"--sysroot={sr}", $"--os={SysrootFixture.Os}", SysrootFixture.Branch);
        var status = SysrootFixture.OstreeStatus(sr)[0];
        string originPath = $"{sr}/ostree/deploy/{status.Os}/deploy/{status.Commit}.{status.Serial}.origin";
        string text = "# my origin\n[origin]\nrefspec=myos/stable\n  # indented\nfoo = bar baz \n\n[x]\ny=1\n[origin]\nz=2\n";
        File.WriteAllText(originPath, text);

        SysrootFixture.Ostree("admin", "pin", $"--sysroot={sr}", "0");
        string pinned = File.ReadAllText(originPath);
        var ours = DeploymentOrigin.Parse(text).WithPinned(true);
        Assert.Equal(pinned, ours.ToString());
        Assert.True(ours.IsPinned);
        Assert.Equal("bar baz ", ours.GetValue("origin", "foo"));

        SysrootFixture.Ostree("admin", "pin", $"--sysroot={sr}", "--unpin", "0");
        Assert.Equal(File.ReadAllText(originPath), DeploymentOrigin.Parse(pinned).WithPinned(false).ToString());
        Assert.False(fx.Open(sr).GetDeployments()[0].IsPinned);
    }

    [SkippableFact]
    public void KeyFile_RemoveRepeatedKey_RemovesOnlyTheLastCopyAsOstreeConfigUnset()
    {
        ExternalTool.Require("ostree");
        using var temp = new TempDirectory("aptostree-keyfile-");
        string repo = temp.Combine("repo");
        Ostree("init", $"--repo={repo}", "--mode=archive");
        const string text = "[core]\nrepo_version=1\nmode=archive\n\n[x]\na=1\nb=0\na=2\n# c\na=3\n";
        File.WriteAllText($"{repo}/config", text);
        var ours = KeyFile.Parse(text, "config");

        // g_key_file_remove_key drops the pair its lookup finds (the last one); earlier copies stay in the file.
        foreach (string left in new[] { "2", "1" })
        {
            Ostree("config", $"--repo={repo}", "unset", "x.a");
            Assert.True(ours.Remove("x", "a"));
            Assert.Equal(File.ReadAllText($"{repo}/config"), ours.ToString());
            Assert.Equal(left, Ostree("config", $"--repo={repo}", "get", "x.a").TrimEnd('\n'));
            Assert.Equal(left, ours.Get("x", "a"));
        }

        Ostree("config", $"--repo={repo}", "unset", "x.a");
        Assert.True(ours.Remove("x", "a"));
        Assert.False(ours.Remove("x", "a"));
        Assert.Null(ours.Get("x", "a"));
        Assert.Equal(File.ReadAllText($"{repo}/config"), ours.ToString());
    }

    [Fact]
    public void KeyFile_BooleanNotTrueOrFalse_ThrowsNamingTheKey()
    {
        var file = KeyFile.Parse("[core]\nfsync=yes\n", "repo/config");
        var ex = Assert.Throws<InvalidFormatException>(() => file.GetBoolean("core", "fsync", true));
        Assert.Equal(OstreeErrorCodes.InvalidKeyFile, ex.ErrorCode);
        Assert.Contains("repo/config", ex.Message, StringComparison.Ordinal);
        Assert.Contains("fsync", ex.Message, StringComparison.Ordinal);
    }

    private static string Ostree(params string[] args) =>
        ExternalTool.Run("ostree", args).EnsureSuccess("ostree " + string.Join(' ', args)).StandardOutput;
}
