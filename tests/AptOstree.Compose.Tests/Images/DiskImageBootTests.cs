using System.Diagnostics;
using System.Text.Json;
using AptOstree.Compose.Images;
using AptOstree.OSTree;
using AptOstree.OSTree.Sysroot;
using AptOstree.Posix;
using AptOstree.Testing;
using Xunit.Abstractions;

namespace AptOstree.Compose.Tests.Images;

/// <summary>
/// The release gate of issue 14: a bootable tree (kernel + initramfs from <see cref="KernelInitramfsStep"/>) committed,
/// made into a disk image by <see cref="DiskImageBuilder"/>, booted in QEMU (UEFI, TCG); then, offline on the image's
/// sysroot, a second commit with <c>hello</c> is deployed and booted; then rolled back and booted again.
/// </summary>
/// <remarks>
/// Offline changes to the image go through a loop mount of its root partition (the test runs as root in CI): the first
/// boot wrote <c>/etc</c> and <c>/var</c> inside the image, and rebuilding the file system with <c>mkfs.ext4 -d</c> from a
/// host directory would need those changes copied out first (debugfs <c>rdump</c>, which drops xattrs and hard links).
/// Mounting the real file system and running the deployment manager on it is what a user repairing a disk would do.
/// </remarks>
public sealed class DiskImageBootTests(ITestOutputHelper output)
{
    private const string BaseRef = "debian/12/x86_64/boot-test";
    private const string HelloRef = "debian/12/x86_64/boot-test-hello";
    // A boot takes 1-2 minutes under TCG on a loaded 2-core machine; the limit is several times that, only to stop a hung
    // VM from eating the CI budget. Nothing in the guest waits on the clock: the marker unit runs once basic.target is up.
    private static readonly TimeSpan BootTimeout = TimeSpan.FromMinutes(10);

    [SkippableFact]
    public async Task BootableImage_BootLayerRollback_BootsEachDeploymentAndKeepsEtcAndVar()
    {
        QemuBoot.RequireQemu();
        ExternalTool.Require("bwrap", "unshare", "mount", "umount", "sfdisk", "mkfs.ext4", "mkfs.vfat", "mcopy", "grub-mkstandalone", "dpkg-deb", "lsinitrd");
        Skip.IfNot(LibcPosixFileSystem.IsRoot, "The boot test builds its tree and image as root (CI runs as root).");
        using var temp = new TempDirectory("aptostree-boot-");
        var total = Stopwatch.StartNew();
        var clock = Stopwatch.StartNew();
        void Step(string what)
        {
            output.WriteLine($"[boot-test] {what}: {clock.Elapsed.TotalSeconds:F1} s");
            clock.Restart();
        }

        // 1. A bootable tree and its commit.
        string tree = temp.Combine("tree");
        var kernel = await BootableTreeStandIn.BuildAsync(tree, temp.Combine("sandbox"), output.WriteLine);
        output.WriteLine($"[boot-test] dracut: {kernel.DracutDuration.TotalSeconds:F1} s");
        Step("bootable tree (base + kernel step + layout)");
        AssertKernelLayout(tree, kernel);
        var repo = OstreeRepository.Create(temp.Combine("repo"), RepoMode.Bare);
        var baseCommit = repo.Commit(tree, new CommitOptions { Branch = BaseRef, Subject = "bootable base" });
        Step("commit");

        // 2. The disk image.
        string image = temp.Combine("disk.img");
        var built = await new DiskImageBuilder().BuildAsync(repo.Path, BaseRef, image, new DiskImageOptions
        {
            KernelArguments = ["rw", "console=ttyS0", $"systemd.unit={BootableTreeStandIn.MarkerTarget}", "systemd.show_status=0"],
        });
        foreach (var s in built.Steps)
        {
            output.WriteLine($"[boot-test]   image {s.Name}: {s.Duration.TotalSeconds:F1} s");
        }

        Step("image");
        Assert.Equal(baseCommit.ToString(), built.Commit);

        // 3. First boot: the deployment booted through ostree-prepare-root.
        var boot1 = QemuBoot.Boot(image, temp.Path, "boot1", BootTimeout);
        Step("boot 1");
        AssertBooted(boot1, baseCommit.ToString());
        Assert.Equal("absent", boot1.Value("file /etc/aptostree-test"));
        Assert.Equal("absent", boot1.Value("file /var/aptostree-test"));
        Assert.Equal("not installed", boot1.Value("hello"));

        // 4. Offline: a second commit (base + hello) deployed on the image's sysroot, then boot it.
        // Stand-in for layering (issue 13) until its API lands: the base tree plus hello's files as a second commit.
        string helloTree = temp.Combine("hello");
        ExternalTool.Run("cp", ["-al", tree, helloTree]).EnsureSuccess("cp -al");
        string helloFiles = temp.Combine("hello-files");
        ExternalTool.Run("dpkg-deb", ["-x", RealDebs.Get("hello"), helloFiles]).EnsureSuccess("dpkg-deb -x hello");
        ExternalTool.Run("cp", ["-a", "--remove-destination", helloFiles + "/.", helloTree]).EnsureSuccess("cp hello");
        var helloCommit = repo.Commit(helloTree, new CommitOptions { Branch = HelloRef, Subject = "base + hello" });
        string sysroot = temp.Combine("mnt");
        using (MountRootPartition(image, sysroot))
        {
            await OstreeRepository.Open($"{sysroot}/ostree/repo").PullLocalAsync(repo.Path, HelloRef);
            var deployed = new OstreeSysrootFactory(LibcPosixFileSystem.Instance).Open(sysroot).Deploy(HelloRef);
            Assert.Equal(helloCommit.ToString(), deployed.Commit.ToString());
        }

        Step("offline deploy of base + hello");
        var boot2 = QemuBoot.Boot(image, temp.Path, "boot2", BootTimeout);
        Step("boot 2");
        AssertBooted(boot2, helloCommit.ToString());
        Assert.Equal("Hello, world!", boot2.Value("hello"));
        Assert.Equal("present (written in boot 1)", boot2.Value("file /etc/aptostree-test"));
        Assert.Equal("present (written in boot 1)", boot2.Value("file /var/aptostree-test"));
        Assert.Contains(boot2.Status, l => l.Contains(baseCommit.ToString(), StringComparison.Ordinal) && l.Contains("(rollback)", StringComparison.Ordinal));

        // 5. Offline rollback, boot again: hello gone, /var kept.
        using (MountRootPartition(image, sysroot))
        {
            var target = new OstreeSysrootFactory(LibcPosixFileSystem.Instance).Open(sysroot).Rollback();
            Assert.Equal(baseCommit.ToString(), target.Commit.ToString());
        }

        Step("offline rollback");
        var boot3 = QemuBoot.Boot(image, temp.Path, "boot3", BootTimeout);
        Step("boot 3");
        AssertBooted(boot3, baseCommit.ToString());
        Assert.Equal("not installed", boot3.Value("hello"));
        Assert.Equal("present (written in boot 1)", boot3.Value("file /var/aptostree-test"));
        Assert.Equal("3", boot3.Value("boot-count"));
        output.WriteLine($"[boot-test] total: {total.Elapsed.TotalSeconds:F1} s");
    }

    /// <summary>The marker ran, the kernel got an <c>ostree=</c> argument, the initramfs switched into the deployment, and
    /// <c>ostree admin status</c> in the VM shows <paramref name="commit"/> as the booted deployment.</summary>
    private static void AssertBooted(BootReport boot, string commit)
    {
        Assert.True(boot.Lines.Count > 0, $"no marker on the serial console after {boot.Duration.TotalSeconds:F0} s; last lines:\n{boot.Tail}");
        string cmdline = boot.Value("cmdline") ?? string.Empty;
        Assert.Matches(@"(^| )ostree=/ostree/boot\.[01]/", cmdline);
        Assert.Equal("yes", boot.Value("ostree-booted"));
        Assert.Contains(boot.Status, l => l.StartsWith("* ", StringComparison.Ordinal) && l.Contains(commit, StringComparison.Ordinal));
    }

    /// <summary>Kernel and initramfs where ostree looks for them, nothing in /boot, and the initramfs has ostree-prepare-root.</summary>
    private static void AssertKernelLayout(string tree, KernelInstallation kernel)
    {
        Assert.True(File.Exists(Path.Combine(tree, kernel.KernelPath)));
        Assert.True(File.Exists(Path.Combine(tree, kernel.InitramfsPath)));
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(tree, "boot")));
        Assert.False(File.Exists(Path.Combine(tree, "vmlinuz")));
        var found = BootKernel.Find(LibcPosixFileSystem.Instance, tree);
        Assert.Equal(kernel.KernelVersion, found.KernelVersion);
        Assert.Equal(kernel.InitramfsPath, found.InitramfsPath);
        string listing = ExternalTool.Run("lsinitrd", [Path.Combine(tree, kernel.InitramfsPath)]).EnsureSuccess("lsinitrd").StandardOutput;
        Assert.Contains("usr/lib/ostree/ostree-prepare-root", listing, StringComparison.Ordinal);
        Assert.Contains("virtio_blk", listing, StringComparison.Ordinal);
    }

    /// <summary>Loop-mounts the image's root partition (the second GPT partition) at <paramref name="mountPoint"/>.</summary>
    private static IDisposable MountRootPartition(string image, string mountPoint)
    {
        using var table = JsonDocument.Parse(ExternalTool.Output("sfdisk", "-J", image));
        long start = table.RootElement.GetProperty("partitiontable").GetProperty("partitions")[1].GetProperty("start").GetInt64();
        Directory.CreateDirectory(mountPoint);
        ExternalTool.Run("mount", ["-o", $"loop,offset={start * 512}", image, mountPoint]).EnsureSuccess("mount -o loop " + image);
        return new Unmount(mountPoint);
    }

    private sealed class Unmount(string mountPoint) : IDisposable
    {
        public void Dispose() => ExternalTool.Run("umount", [mountPoint]).EnsureSuccess("umount " + mountPoint);
    }
}
