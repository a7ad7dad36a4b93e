using AptOstree.OSTree.Sysroot;
using static AptOstree.OSTree.Tests.Sysroot.SysrootFixture;

namespace AptOstree.OSTree.Tests.Sysroot;

/// <summary>Bad commits and damaged sysroots give a clear error or a recovery, never a broken boot configuration.</summary>
public sealed class SysrootBadInputTests
{
    [SkippableFact]
    public void Unbootable_commits_are_refused_like_ostree_refuses_them_and_the_boot_configuration_stays()
    {
        using var fx = new SysrootFixture();
        fx.Commit(fx.NewTree(), "1.0");
        string sr = fx.NewSysroot();
        var ours = fx.Open(sr);
        ours.Deploy(Branch, new DeployOptions { Stateroot = Os });
        var entries = Entries(sr);

        string noKernel = fx.NewTree(customize: t => Directory.Delete($"{t}/usr/lib/modules", recursive: true));
        string bothEtc = fx.NewTree(customize: t =>
        {
            Directory.CreateDirectory($"{t}/etc");
            File.WriteAllText($"{t}/etc/passwd", "root:x:0:0::/root:/bin/sh\n");
        });
        string noOsRelease = fx.NewTree(customize: t => File.Delete($"{t}/usr/lib/os-release"));
        foreach (var (tree, code, ostreeFails) in new[]
        {
            (noKernel, DeploymentErrorCodes.KernelNotFound, true),
            (bothEtc, DeploymentErrorCodes.TreeNotDeployable, true),
            (noOsRelease, DeploymentErrorCodes.TreeNotDeployable, false),
        })
        {
            string commit = fx.Commit(tree, "bad", branch: "myos/bad");
            fx.Pull(sr, "myos/bad");
            if (ostreeFails)
            {
                string copy = fx.CopySysroot(sr, $"oracle-{code}-{commit[..8]}");
                Assert.NotEqual(0, TryOstree("admin", "deploy", $"--sysroot={copy}", $"--os={Os}", commit).ExitCode);
            }

            var ex = Assert.Throws<AptOstreeException>(() => ours.Deploy(commit, new DeployOptions { Stateroot = Os }));
            Assert.Equal(code, ex.ErrorCode);
            Assert.Equal(entries, Entries(sr));
            Assert.Single(OstreeStatus(sr));
        }

        ours.Cleanup(prune: false);
        Assert.Single(Directory.EnumerateDirectories($"{sr}/ostree/deploy/{Os}/deploy"));
    }

    [SkippableFact]
    public void Unknown_stateroot_revision_and_non_sysroot_have_their_own_codes()
    {
        using var fx = new SysrootFixture();
        fx.Commit(fx.NewTree(), "1.0");
        string sr = fx.NewSysroot();
        var ours = fx.Open(sr);
        Assert.Equal(DeploymentErrorCodes.UnknownStateroot, Assert.Throws<AptOstreeException>(() => ours.Deploy(Branch, new DeployOptions { Stateroot = "other" })).ErrorCode);
        Assert.Equal(DeploymentErrorCodes.UnresolvedRevision, Assert.Throws<AptOstreeException>(() => ours.Deploy("myos/missing", new DeployOptions { Stateroot = Os })).ErrorCode);
        Assert.Equal(DeploymentErrorCodes.NotASysroot, Assert.Throws<AptOstreeException>(() => new OstreeSysroot(fx.Dir).Load()).ErrorCode);
        Assert.Equal(DeploymentErrorCodes.NoSuchDeployment, Assert.Throws<AptOstreeException>(() => ours.Undeploy(0)).ErrorCode);
    }

    [SkippableFact]
    public void Corrupt_origin_and_dangling_boot_link_are_reported_with_the_file()
    {
        using var fx = new SysrootFixture();
        fx.Commit(fx.NewTree(), "1.0");
        string sr = fx.NewSysroot();
        var ours = fx.Open(sr);
        var d = ours.Deploy(Branch, new DeployOptions { Stateroot = Os });
        string origin = ours.GetDeploymentDirectory(d) + ".origin";

        File.WriteAllText(origin, "[origin\nrefspec=myos/stable\n");
        var bad = Assert.Throws<InvalidFormatException>(() => ours.Load());
        Assert.Equal(OstreeErrorCodes.InvalidKeyFile, bad.ErrorCode);
        Assert.Contains(origin, bad.Message, StringComparison.Ordinal);

        File.WriteAllText(origin, "[origin]\nrefspec=myos/stable\n");
        Directory.Move(ours.GetDeploymentDirectory(d), ours.GetDeploymentDirectory(d) + "-moved");
        var dangling = Assert.Throws<AptOstreeException>(() => ours.Load());
        Assert.Equal(DeploymentErrorCodes.InvalidBootConfiguration, dangling.ErrorCode);
        Assert.Contains(d.Name, dangling.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void A_sysroot_half_written_by_an_interrupted_run_is_recovered_by_the_next_deploy()
    {
        using var fx = new SysrootFixture();
        fx.Commit(fx.NewTree(), "1.0");
        string sr = fx.NewSysroot();
        var ours = fx.Open(sr);
        ours.Deploy(Branch, new DeployOptions { Stateroot = Os });
        var before = OstreeStatus(sr);
        int bv = ours.Load().BootVersion;

        // What a run killed in the middle leaves: a partial inactive loader, farm, temp links, kernel dir, deployment.
        Directory.CreateDirectory($"{sr}/boot/loader.{1 - bv}/entries");
        File.WriteAllText($"{sr}/boot/loader.{1 - bv}/entries/ostree-2-myos.conf", "title half\nversion 2\n");
        Directory.CreateDirectory($"{sr}/ostree/boot.{1 - bv}.1/myos");
        File.CreateSymbolicLink($"{sr}/ostree/boot.{1 - bv}", $"boot.{1 - bv}.1");
        File.CreateSymbolicLink($"{sr}/boot/loader.tmp", $"loader.{1 - bv}");
        Directory.CreateDirectory($"{sr}/boot/ostree/.tmp-myos-{new string('b', 64)}");
        Directory.CreateDirectory($"{sr}/ostree/deploy/{Os}/deploy/{new string('c', 64)}.0/usr");
        Assert.Equal(before, OstreeStatus(sr));

        fx.Commit(fx.NewTree(kernel: "kernel-2"), "2.0");
        fx.Pull(sr);
        ours.Deploy(Branch, new DeployOptions { Stateroot = Os });
        Assert.Equal(2, OstreeStatus(sr).Count);
        Assert.Equal(OstreeStatus(sr), OurStatus(ours));
        Assert.False(File.Exists($"{sr}/boot/loader.tmp") || Directory.Exists($"{sr}/boot/loader.tmp"));
        Assert.Empty(Directory.EnumerateDirectories($"{sr}/boot/ostree", ".tmp-*"));
        Assert.Equal(2, Directory.EnumerateDirectories($"{sr}/ostree/deploy/{Os}/deploy").Count());
        Ostree("admin", "deploy", $"--sysroot={sr}", $"--os={Os}", Branch);
    }
}
