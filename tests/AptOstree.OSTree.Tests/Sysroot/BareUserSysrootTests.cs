using AptOstree.OSTree.Sysroot;
using AptOstree.Posix;
using static AptOstree.OSTree.Tests.Sysroot.SysrootFixture;

namespace AptOstree.OSTree.Tests.Sysroot;

/// <summary>The image-builder setup: a sysroot whose repository is bare-user, deployed with user-mode checkouts.</summary>
public sealed class BareUserSysrootTests
{
    [SkippableFact]
    public void Bare_user_sysroot_deploys_with_user_mode_checkout_and_ostree_reads_it()
    {
        using var fx = new SysrootFixture();
        string c1 = fx.Commit(fx.NewTree(customize: t => File.WriteAllText($"{t}/usr/bin/tool", "#!/bin/sh\n")), "1.0");
        string sr = fx.Dir + "/bare-user-sr";
        OstreeSysroot.InitializeFileSystem(sr, repo => OstreeRepository.Create(repo, RepoMode.BareUser), modern: true);
        new OstreeSysroot(sr).InitializeStateroot(Os);
        fx.Pull(sr);
        Assert.Contains("mode=bare-user", File.ReadAllText($"{sr}/ostree/repo/config"), StringComparison.Ordinal);

        var ours = fx.Open(sr);
        var d = ours.Deploy(Branch, new DeployOptions { Stateroot = Os, KernelArguments = ["rw"] });
        Assert.Equal(c1, d.Commit.ToString());
        Assert.Equal(OstreeStatus(sr), OurStatus(ours));
        string root = ours.GetDeploymentDirectory(d);
        var tool = LibcPosixFileSystem.Instance.GetStatus($"{root}/usr/bin/tool");
        Assert.True(tool.LinkCount > 1, "user-mode checkout of a bare-user repo hardlinks content objects");
        Assert.Equal("default\n", File.ReadAllText($"{root}/etc/hostname"));
        Assert.Equal("var/home", new FileInfo($"{root}/home").LinkTarget);
        Assert.Equal("../var/usrlocal", new FileInfo($"{root}/usr/local").LinkTarget);
        Assert.True(Directory.Exists($"{sr}/ostree/deploy/{Os}/var/roothome"));
        Ostree("fsck", $"--repo={sr}/ostree/repo");
    }
}
