using AptOstree.OSTree.Sysroot;
using AptOstree.Testing;
using static AptOstree.OSTree.Tests.Sysroot.SysrootFixture;

namespace AptOstree.OSTree.Tests.Sysroot;

/// <summary>Rollback, undeploy, pin, kernel arguments and cleanup, checked with the real <c>ostree admin</c>.</summary>
public sealed class SysrootOperationsTests
{
    [SkippableFact]
    public void Rollback_makes_the_previous_deployment_the_default()
    {
        using var fx = new SysrootFixture();
        string c1 = fx.Commit(fx.NewTree(), "1.0");
        string sr = fx.NewSysroot();
        var ours = fx.Open(sr);
        ours.Deploy(Branch, new DeployOptions { Stateroot = Os, KernelArguments = ["rw"] });
        string c2 = fx.Commit(fx.NewTree(kernel: "kernel-2"), "2.0");
        fx.Pull(sr);
        ours.Deploy(Branch, new DeployOptions { Stateroot = Os });
        Assert.Equal([c2, c1], OstreeStatus(sr).Select(s => s.Commit));

        var target = ours.Rollback();
        Assert.Equal(c1, target.Commit.ToString());
        Assert.Equal([c1, c2], OstreeStatus(sr).Select(s => s.Commit));
        Assert.Equal(OstreeStatus(sr), OurStatus(ours));
        Assert.Contains("(ostree:0)", Entries(sr).Values.Single(e => e.Contains("1.0", StringComparison.Ordinal)), StringComparison.Ordinal);

        // Booted into index 1 (simulated kernel command line): rollback makes the booted deployment the default.
        string bootedArg = ours.GetDeployments()[1].BootEntry!.Options.GetValues("ostree")[0]!;
        var booted = fx.Open(sr, kernelCommandLine: $"BOOT_IMAGE=x rw ostree={bootedArg}");
        Assert.True(booted.GetDeployments()[1].IsBooted);
        Assert.Equal(c2, booted.Rollback().Commit.ToString());
        Assert.Equal([c2, c1], OstreeStatus(sr).Select(s => s.Commit));
    }

    [SkippableFact]
    public void Sysroot_lock_is_the_one_ostree_admin_takes_so_each_waits_for_the_other()
    {
        ExternalTool.Require("timeout", "python3");
        using var fx = new SysrootFixture();
        fx.Commit(fx.NewTree(), "1.0");
        string sr = fx.NewSysroot();
        var ours = fx.Open(sr);
        ours.Deploy(Branch, new DeployOptions { Stateroot = Os });
        ours.Deploy(Branch, new DeployOptions { Stateroot = Os });

        // While our lock is held, ostree admin waits for it (F_OFD_SETLKW on /ostree/lock) and is stopped by timeout.
        using (var held = AptOstree.Posix.LibcPosixFileSystem.Instance.TryLockFile(sr + "/ostree/lock", exclusive: true))
        {
            Assert.NotNull(held);
            Assert.Equal(124, ExternalTool.Run("timeout", ["3", "ostree", "admin", "cleanup", "--sysroot=" + sr]).ExitCode);
        }

        ExternalTool.Run("ostree", ["admin", "cleanup", "--sysroot=" + sr]).EnsureSuccess("ostree admin cleanup");

        // While another process holds it as ostree admin does, ours waits (here up to the 1 s lock timeout of its
        // repository), then refuses with SysrootLocked and changes nothing.
        var waiting = new OstreeSysroot(sr, OstreeRepository.Open(sr + "/ostree/repo", new RepositoryOptions { LockTimeout = TimeSpan.FromSeconds(1) }));
        var before = OstreeStatus(sr);
        var info = new System.Diagnostics.ProcessStartInfo("python3") { RedirectStandardInput = true, RedirectStandardOutput = true };
        foreach (var a in new[] { "-c", "import fcntl, os, struct, sys\nfd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT)\nfcntl.fcntl(fd, fcntl.F_OFD_SETLKW, struct.pack('hhqqi', fcntl.F_WRLCK, 0, 0, 0, 0))\nprint('locked', flush=True)\nsys.stdin.read()\n", sr + "/ostree/lock" })
        {
            info.ArgumentList.Add(a);
        }

        using var holder = System.Diagnostics.Process.Start(info)!;
        Assert.Equal("locked", holder.StandardOutput.ReadLine());
        var error = Assert.Throws<AptOstreeException>(() => waiting.Rollback());
        Assert.Equal(DeploymentErrorCodes.SysrootLocked, error.ErrorCode);
        holder.StandardInput.Close();
        holder.WaitForExit();
        Assert.Equal(before, OstreeStatus(sr));
        waiting.Rollback();
        Assert.NotEqual(before, OstreeStatus(sr));
    }

    [SkippableFact]
    public void Rollback_between_identical_boot_entries_swaps_only_the_sub_bootversion()
    {
        using var fx = new SysrootFixture();
        string c1 = fx.Commit(fx.NewTree(), "1.0");
        string sr = fx.NewSysroot();
        var ours = fx.Open(sr);
        ours.Deploy(Branch, new DeployOptions { Stateroot = Os });
        ours.Deploy(Branch, new DeployOptions { Stateroot = Os });
        var before = ours.Load();
        var entries = Entries(sr);
        Assert.Equal([1, 0], before.Deployments.Select(d => d.DeploySerial));

        ours.Rollback();
        var after = ours.Load();
        Assert.Equal(before.BootVersion, after.BootVersion);
        Assert.NotEqual(before.SubBootVersion, after.SubBootVersion);
        Assert.Equal(entries, Entries(sr));
        Assert.Equal([0, 1], OstreeStatus(sr).Select(s => s.Serial));
        Assert.All(OstreeStatus(sr), s => Assert.Equal(c1, s.Commit));
    }

    [SkippableFact]
    public void Pin_writes_the_same_origin_as_ostree_and_survives_deploy_and_cleanup()
    {
        using var fx = new SysrootFixture();
        fx.Commit(fx.NewTree(), "1.0");
        string baseSr = fx.NewSysroot();
        Ostree("admin", "deploy", $"--sysroot={baseSr}", $"--os={Os}", Branch);
        Ostree("admin", "deploy", $"--sysroot={baseSr}", $"--os={Os}", Branch);
        string refSr = fx.CopySysroot(baseSr, "ref");
        string ourSr = fx.CopySysroot(baseSr, "our");
        var ours = fx.Open(ourSr);

        Ostree("admin", "pin", $"--sysroot={refSr}", "1");
        Assert.True(ours.SetPinned(1, pinned: true).IsPinned);
        Assert.Equal(OriginText(refSr, 1), OriginText(ourSr, 1));
        Assert.Equal(OstreeStatus(refSr), OstreeStatus(ourSr));
        Assert.True(OstreeStatus(ourSr)[1].Pinned);

        // Two more deploys would normally drop the old one; the pinned one stays.
        ours.Deploy(Branch, new DeployOptions { Stateroot = Os });
        ours.Deploy(Branch, new DeployOptions { Stateroot = Os });
        Assert.Equal(3, OstreeStatus(ourSr).Count);
        Assert.True(OstreeStatus(ourSr)[2].Pinned);

        Ostree("admin", "pin", "--unpin", $"--sysroot={refSr}", "1");
        var unpinned = ours.SetPinned(2, pinned: false);
        Assert.False(unpinned.IsPinned);
        Assert.Equal(OriginText(refSr, 1), OriginText(ourSr, 2));
        Assert.False(OstreeStatus(ourSr)[2].Pinned);
    }

    [SkippableFact]
    public void Undeploy_and_cleanup_leave_a_repository_ostree_considers_pruned_and_consistent()
    {
        using var fx = new SysrootFixture();
        fx.Commit(fx.NewTree(), "1.0");
        string sr = fx.NewSysroot();
        var ours = fx.Open(sr);
        ours.Deploy(Branch, new DeployOptions { Stateroot = Os });
        string c2 = fx.Commit(fx.NewTree(kernel: "kernel-2", customize: t => File.WriteAllText($"{t}/usr/bin/tool", "v2")), "2.0");
        fx.Pull(sr);
        ours.Deploy(Branch, new DeployOptions { Stateroot = Os });
        var old = ours.GetDeployments()[1];

        ours.Undeploy(1);
        Assert.Single(OstreeStatus(sr));
        Assert.False(Directory.Exists(ours.GetDeploymentDirectory(old)));
        Assert.False(File.Exists(ours.GetDeploymentDirectory(old) + ".origin"));
        Assert.Single(Directory.EnumerateDirectories($"{sr}/boot/ostree"));

        ours.Cleanup(prune: true);
        Assert.Equal([$"ostree/1/1/0 {c2}"], Directory.EnumerateFiles($"{sr}/ostree/repo/refs/heads/ostree", "*", SearchOption.AllDirectories)
            .Select(f => $"{Path.GetRelativePath($"{sr}/ostree/repo/refs/heads", f)} {File.ReadAllText(f).Trim()}"));
        Ostree("fsck", $"--repo={sr}/ostree/repo");
        string prune = Ostree("prune", $"--repo={sr}/ostree/repo", "--refs-only", "--depth=0", "--no-prune");
        Assert.Contains("Total objects", prune, StringComparison.Ordinal);
        Assert.DoesNotContain("Would delete", prune, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void Undeploying_the_booted_deployment_is_refused()
    {
        using var fx = new SysrootFixture();
        fx.Commit(fx.NewTree(), "1.0");
        string sr = fx.NewSysroot();
        fx.Open(sr).Deploy(Branch, new DeployOptions { Stateroot = Os });
        string arg = fx.Open(sr).GetDeployments()[0].BootEntry!.Options.GetValues("ostree")[0]!;
        var booted = fx.Open(sr, kernelCommandLine: $"ostree={arg} quiet");
        var ex = Assert.Throws<AptOstreeException>(() => booted.Undeploy(0));
        Assert.Equal(DeploymentErrorCodes.BootedDeploymentProtected, ex.ErrorCode);
        Assert.Single(OstreeStatus(sr));
    }

    [SkippableFact]
    public void Kernel_argument_edits_match_ostree_admin_kargs_edit_in_place()
    {
        using var fx = new SysrootFixture();
        fx.Commit(fx.NewTree(), "1.0");
        string baseSr = fx.NewSysroot();
        Ostree("admin", "deploy", $"--sysroot={baseSr}", $"--os={Os}", "--karg=rw", "--karg=console=tty0", Branch);
        Ostree("admin", "deploy", $"--sysroot={baseSr}", $"--os={Os}", Branch);
        string refSr = fx.CopySysroot(baseSr, "ref");
        string ourSr = fx.CopySysroot(baseSr, "our");

        Ostree("admin", "kargs", "edit-in-place", $"--sysroot={refSr}", "--append-if-missing=foo=bar");
        Ostree("admin", "kargs", "edit-in-place", $"--sysroot={refSr}", "--append-if-missing=rw");
        var ours = fx.Open(ourSr);
        ours.EditKernelArgumentsInPlace(k => k.AppendIfMissing("foo=bar"));
        ours.EditKernelArgumentsInPlace(k => k.AppendIfMissing("rw"));

        var expected = fx.Open(refSr).GetDeployments().Select(d => d.KernelArguments.ToString()).ToList();
        Assert.Equal(["rw console=tty0 foo=bar", "rw console=tty0 foo=bar"], expected);
        Assert.Equal(expected, ours.GetDeployments().Select(d => d.KernelArguments.ToString()));
        Assert.Equal(OstreeStatus(refSr), OstreeStatus(ourSr));

        var replaced = ours.SetKernelArguments(0, ours.GetDeployments()[0].KernelArguments.Replace("console=ttyS0").Delete("foo"));
        Assert.Equal("rw console=ttyS0", replaced.KernelArguments.ToString());
        Assert.Contains($"options rw console=ttyS0 ostree=/ostree/boot.", Entries(ourSr)["ostree-2-myos.conf"], StringComparison.Ordinal);
        Assert.Equal(2, OstreeStatus(ourSr).Count);
    }

    private static string OriginText(string sr, int index)
    {
        var s = OstreeStatus(sr)[index];
        return File.ReadAllText($"{sr}/ostree/deploy/{s.Os}/deploy/{s.Commit}.{s.Serial}.origin");
    }
}
