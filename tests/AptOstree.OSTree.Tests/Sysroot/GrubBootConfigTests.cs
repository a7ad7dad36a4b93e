using System.Text.RegularExpressions;
using AptOstree.OSTree.Sysroot;
using AptOstree.Testing;
using static AptOstree.OSTree.Tests.Sysroot.SysrootFixture;

namespace AptOstree.OSTree.Tests.Sysroot;

/// <summary>
/// The grub.cfg written beside the BLS entries: accepted by <c>grub-script-check</c>, one menu entry per deployment
/// in <c>ostree admin status</c> order, paths that resolve to the installed kernels, switched with <c>boot/loader</c>.
/// </summary>
public sealed partial class GrubBootConfigTests
{
    [SkippableFact]
    public void Deploy_WithGrubConfigKey_WritesMenuMatchingOstreeStatus()
    {
        ExternalTool.Require("grub-script-check");
        using var fx = new SysrootFixture();
        fx.Commit(fx.NewTree(), "1.0");
        string sr = fx.NewSysroot();
        Ostree("config", $"--repo={sr}/ostree/repo", "set", $"{GrubBootConfig.ConfigGroup}.{GrubBootConfig.ConfigKey}", GrubBootConfig.GrubValue);
        var ours = fx.Open(sr);
        ours.Deploy(Branch, new DeployOptions { Stateroot = Os, KernelArguments = ["root=UUID=0000", "rw", "quoted=\"a b\""] });
        fx.Commit(fx.NewTree(kernel: "kernel-2"), "2.0");
        fx.Pull(sr);
        ours.Deploy(Branch, new DeployOptions { Stateroot = Os });

        string cfg = $"{sr}/boot/loader/{GrubBootConfig.FileName}";
        ExternalTool.Run("grub-script-check", [cfg]).EnsureSuccess("grub-script-check");
        AssertMenuFollowsStatus(sr);
        Assert.Contains("'quoted=\"a b\"'", File.ReadAllText(cfg), StringComparison.Ordinal);

        // Rollback writes a new loader.N: the menu moves with it, and the old bootversion's copy is cleaned up.
        string before = File.ReadAllText(cfg);
        ours.Rollback();
        ExternalTool.Run("grub-script-check", [cfg]).EnsureSuccess("grub-script-check");
        Assert.NotEqual(before, File.ReadAllText(cfg));
        AssertMenuFollowsStatus(sr);
        Assert.Single(Directory.GetDirectories($"{sr}/boot"), d => Path.GetFileName(d) is "loader.0" or "loader.1");
    }

    [SkippableFact]
    public void Deploy_WithoutGrubConfigKey_WritesNoMenu()
    {
        using var fx = new SysrootFixture();
        fx.Commit(fx.NewTree(), "1.0");
        string sr = fx.NewSysroot();
        fx.Open(sr).Deploy(Branch, new DeployOptions { Stateroot = Os });
        Assert.False(File.Exists($"{sr}/boot/loader/{GrubBootConfig.FileName}"));
    }

    [Fact]
    public void Render_ArgumentWithSingleQuote_IsEscapedForGrubScript()
    {
        var entry = BootLoaderEntry.Parse("title It's\nversion 1\noptions a='b' ostree=/ostree/boot.0/os/abc/0\nlinux /ostree/os-abc/vmlinuz-1\ninitrd /ostree/os-abc/initramfs-1.img\n");
        string text = GrubBootConfig.Render([entry], timeoutSeconds: 0);
        Assert.Contains("menuentry 'It'\\''s' {", text, StringComparison.Ordinal);
        Assert.Contains("linux '/boot/ostree/os-abc/vmlinuz-1' 'a='\\''b'\\''' 'ostree=/ostree/boot.0/os/abc/0'\n", text, StringComparison.Ordinal);
        Assert.Contains("initrd '/boot/ostree/os-abc/initramfs-1.img'\n", text, StringComparison.Ordinal);
        Assert.Contains("set timeout=0\n", text, StringComparison.Ordinal);
        if (ExternalTool.Exists("grub-script-check"))
        {
            using var temp = new TempDirectory("aptostree-grubcfg-");
            File.WriteAllText(temp.Combine("grub.cfg"), text);
            ExternalTool.Run("grub-script-check", [temp.Combine("grub.cfg")]).EnsureSuccess("grub-script-check");
        }
    }

    [Fact]
    public void Render_EntryWithoutLinux_ThrowsNamingTheEntry()
    {
        var entry = BootLoaderEntry.Parse("title Broken\nversion 1\noptions ostree=/ostree/boot.0/os/abc/0\n");
        var ex = Assert.Throws<AptOstreeException>(() => GrubBootConfig.Render([entry]));
        Assert.Equal(DeploymentErrorCodes.InvalidBootConfiguration, ex.ErrorCode);
        Assert.Contains("Broken", ex.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// Each menu entry, in order, boots what <c>ostree admin status</c> lists at that index: its <c>ostree=</c> link
    /// resolves to that deployment, and its kernel and initramfs paths (GRUB's <c>/boot/...</c>) exist in the sysroot.
    /// </summary>
    private static void AssertMenuFollowsStatus(string sr)
    {
        string text = File.ReadAllText($"{sr}/boot/loader/{GrubBootConfig.FileName}");
        var linux = LinuxLine().Matches(text).Select(m => m.Groups[1].Value).ToList();
        var initrd = InitrdLine().Matches(text).Select(m => m.Groups[1].Value).ToList();
        var status = OstreeStatus(sr);
        Assert.Equal(status.Count, linux.Count);
        Assert.Equal(status.Count, initrd.Count);
        for (int i = 0; i < status.Count; i++)
        {
            var words = linux[i].Split(' ').Select(w => w.Trim('\'')).ToList();
            Assert.True(File.Exists(sr + words[0]), $"kernel {words[0]} of menu entry {i} does not exist");
            Assert.True(File.Exists(sr + initrd[i].Trim('\'')), $"initramfs {initrd[i]} of menu entry {i} does not exist");
            string ostreeArg = words.Single(w => w.StartsWith("ostree=", StringComparison.Ordinal))["ostree=".Length..];
            string target = Path.GetFileName(new DirectoryInfo(sr + ostreeArg).ResolveLinkTarget(returnFinalTarget: true)!.FullName);
            Assert.Equal($"{status[i].Commit}.{status[i].Serial}", target);
        }
    }

    [GeneratedRegex(@"^  linux (.*)$", RegexOptions.Multiline)]
    private static partial Regex LinuxLine();

    [GeneratedRegex(@"^  initrd (.*)$", RegexOptions.Multiline)]
    private static partial Regex InitrdLine();
}
