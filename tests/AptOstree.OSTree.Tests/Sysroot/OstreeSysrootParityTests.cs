using AptOstree.OSTree.Sysroot;
using AptOstree.Testing;
using static AptOstree.OSTree.Tests.Sysroot.SysrootFixture;

namespace AptOstree.OSTree.Tests.Sysroot;

/// <summary>Our sysroots and libostree's are interchangeable: the real <c>ostree admin</c> is the oracle.</summary>
public sealed class OstreeSysrootParityTests
{
    [SkippableFact]
    public void Load_reads_deployments_written_by_ostree_admin()
    {
        using var fx = new SysrootFixture();
        string c1 = fx.Commit(fx.NewTree(), "1.0");
        string sr = fx.NewSysroot();
        Ostree("admin", "deploy", $"--sysroot={sr}", $"--os={Os}", "--karg=rw", "--karg=quiet", Branch);
        string c2 = fx.Commit(fx.NewTree(kernel: "kernel-2"), "2.0");
        fx.Pull(sr);
        Ostree("admin", "deploy", $"--sysroot={sr}", $"--os={Os}", Branch);
        Ostree("admin", "deploy", $"--sysroot={sr}", $"--os={Os}", "--retain", c1);
        Ostree("admin", "pin", $"--sysroot={sr}", "1");

        var ours = fx.Open(sr);
        var state = ours.Load();
        Assert.Equal(OstreeStatus(sr), OurStatus(ours));
        Assert.Equal([c1, c2, c1], state.Deployments.Select(d => d.Commit.ToString()));
        Assert.Equal([1, 0, 0], state.Deployments.Select(d => d.DeploySerial));
        Assert.All(state.Deployments, d => Assert.Equal("rw quiet", d.KernelArguments.ToString()));
        Assert.Equal(c1, state.Deployments[0].Origin!.Refspec);
        Assert.Equal(Branch, state.Deployments[1].Origin!.Refspec);
        Assert.True(state.Deployments[1].IsPinned);
        Assert.Null(state.Booted);
    }

    [SkippableFact]
    public void Our_deploys_produce_the_same_boot_configuration_as_ostree_admin_deploy()
    {
        using var fx = new SysrootFixture();
        fx.Commit(fx.NewTree(), "1.0");
        string baseSr = fx.NewSysroot();
        string refSr = fx.CopySysroot(baseSr, "ref");
        string ourSr = fx.CopySysroot(baseSr, "our");
        var ours = fx.Open(ourSr);

        Ostree("admin", "deploy", $"--sysroot={refSr}", $"--os={Os}", "--karg=root=LABEL=rootfs", "--karg=quiet", Branch);
        var first = ours.Deploy(Branch, new DeployOptions { Stateroot = Os, KernelArguments = ["root=LABEL=rootfs", "quiet"] });
        AssertSameBootConfiguration(refSr, ourSr);
        Assert.Equal(0, first.Index);

        // Second commit with another kernel; then the same commit again (deploy serial 1, shared boot checksum).
        fx.Commit(fx.NewTree(kernel: "kernel-2", initramfs: "initramfs-2"), "2.0");
        fx.Pull(refSr);
        fx.Pull(ourSr);
        Ostree("admin", "deploy", $"--sysroot={refSr}", $"--os={Os}", Branch);
        ours.Deploy(Branch, new DeployOptions { Stateroot = Os });
        AssertSameBootConfiguration(refSr, ourSr);

        Ostree("admin", "deploy", $"--sysroot={refSr}", $"--os={Os}", Branch);
        var third = ours.Deploy(Branch, new DeployOptions { Stateroot = Os });
        Assert.Equal(1, third.DeploySerial);
        AssertSameBootConfiguration(refSr, ourSr);
        Assert.Equal(OstreeStatus(ourSr), OurStatus(ours));
    }

    [SkippableFact]
    public void Ostree_admin_continues_from_a_sysroot_we_wrote()
    {
        using var fx = new SysrootFixture();
        fx.Commit(fx.NewTree(), "1.0");
        string sr = fx.NewSysroot();
        var ours = fx.Open(sr);
        ours.Deploy(Branch, new DeployOptions { Stateroot = Os, KernelArguments = ["rw"] });
        string c2 = fx.Commit(fx.NewTree(kernel: "kernel-2"), "2.0");
        fx.Pull(sr);

        Ostree("admin", "deploy", $"--sysroot={sr}", $"--os={Os}", Branch);
        Assert.Equal(OstreeStatus(sr), OurStatus(ours));
        Ostree("admin", "pin", $"--sysroot={sr}", "1");
        Assert.True(ours.GetDeployments()[1].IsPinned);
        ours.Deploy(Branch, new DeployOptions { Stateroot = Os });
        Assert.Equal(OstreeStatus(sr), OurStatus(ours));
        Assert.Equal(3, ours.GetDeployments().Count);

        Ostree("admin", "undeploy", $"--sysroot={sr}", "0");
        Ostree("admin", "cleanup", $"--sysroot={sr}");
        var after = ours.GetDeployments();
        Assert.Equal(OstreeStatus(sr), OurStatus(ours));
        Assert.Equal(c2, after[0].Commit.ToString());
        Assert.Equal("rw", after[0].KernelArguments.ToString());
    }

    [SkippableFact]
    public void Init_fs_and_os_init_make_a_sysroot_ostree_deploys_into()
    {
        using var fx = new SysrootFixture();
        fx.Commit(fx.NewTree(), "1.0");
        string ourSr = fx.Dir + "/ours";
        string refSr = fx.Dir + "/ref";
        OstreeSysroot.InitializeFileSystem(ourSr, repo => ExternalTool.Output("ostree", "init", $"--repo={repo}", "--mode=bare"));
        Directory.CreateDirectory(refSr);
        Ostree("admin", "init-fs", refSr);
        new OstreeSysroot(ourSr).InitializeStateroot(Os);
        Assert.Equal(ListLayout(refSr), ListLayout(ourSr));

        fx.Pull(ourSr);
        Ostree("admin", "deploy", $"--sysroot={ourSr}", $"--os={Os}", Branch);
        var deployments = fx.Open(ourSr).GetDeployments();
        Assert.Single(deployments);
        Assert.Equal(OstreeStatus(ourSr), OurStatus(fx.Open(ourSr)));
    }

    private static List<string> ListLayout(string sr) =>
        Directory.EnumerateDirectories(sr).Select(d => $"{Path.GetFileName(d)} {Convert.ToString((int)AptOstree.Posix.LibcPosixFileSystem.Instance.GetStatus(d).Permissions, 8)}")
            .Concat(Directory.EnumerateDirectories($"{sr}/ostree").Where(d => !d.EndsWith("/repo", StringComparison.Ordinal)).Select(d => "ostree/" + Path.GetFileName(d)))
            .Order(StringComparer.Ordinal).ToList();

    internal static void AssertSameBootConfiguration(string refSr, string ourSr)
    {
        Assert.Equal(Entries(refSr), Entries(ourSr));
        Assert.Equal(OstreeStatus(refSr), OstreeStatus(ourSr));
        Assert.Equal(SymlinkFarm(refSr), SymlinkFarm(ourSr));
        Assert.Equal(DeploymentRefs(refSr), DeploymentRefs(ourSr));
        Assert.Equal(Origins(refSr), Origins(ourSr));
        Assert.Equal(BootFiles(refSr), BootFiles(ourSr));
    }

    private static List<string> SymlinkFarm(string sr)
    {
        var links = new List<string> { $"boot/loader -> {new FileInfo($"{sr}/boot/loader").LinkTarget}" };
        foreach (var link in Directory.EnumerateFileSystemEntries($"{sr}/ostree", "boot.*", SearchOption.TopDirectoryOnly))
        {
            var info = new FileInfo(link);
            if (info.LinkTarget is not null)
            {
                links.Add($"{Path.GetRelativePath(sr, link)} -> {info.LinkTarget}");
            }
            else
            {
                links.AddRange(WalkNoFollow(link).Where(p => new FileInfo(p).LinkTarget is not null)
                    .Select(p => $"{Path.GetRelativePath(sr, p)} -> {new FileInfo(p).LinkTarget}"));
            }
        }

        return links.Order(StringComparer.Ordinal).ToList();
    }

    private static IEnumerable<string> WalkNoFollow(string dir)
    {
        foreach (var entry in Directory.EnumerateFileSystemEntries(dir))
        {
            yield return entry;
            if (new FileInfo(entry).LinkTarget is null && Directory.Exists(entry))
            {
                foreach (var child in WalkNoFollow(entry))
                {
                    yield return child;
                }
            }
        }
    }

    private static List<string> DeploymentRefs(string sr)
    {
        string heads = $"{sr}/ostree/repo/refs/heads";
        return Directory.Exists($"{heads}/ostree")
            ? Directory.EnumerateFiles($"{heads}/ostree", "*", SearchOption.AllDirectories).Select(f => $"{Path.GetRelativePath(heads, f)} {File.ReadAllText(f).Trim()}").Order(StringComparer.Ordinal).ToList()
            : [];
    }

    private static List<string> Origins(string sr) =>
        Directory.EnumerateFiles($"{sr}/ostree/deploy/{Os}/deploy", "*.origin").Select(f => $"{Path.GetFileName(f)}:{File.ReadAllText(f)}").Order(StringComparer.Ordinal).ToList();

    private static List<string> BootFiles(string sr) =>
        Directory.EnumerateFiles($"{sr}/boot/ostree", "*", SearchOption.AllDirectories).Select(f => $"{Path.GetRelativePath(sr, f)}:{File.ReadAllText(f)}").Order(StringComparer.Ordinal).ToList();
}
