using System.Diagnostics;
using System.Text.Json;
using AptOstree.Compose.Images;
using AptOstree.Compose.Layering;
using AptOstree.OSTree;
using AptOstree.OSTree.Sysroot;
using AptOstree.Posix;
using AptOstree.Testing;
using Xunit.Abstractions;

namespace AptOstree.Compose.Tests.Images;

/// <summary>
/// The release gate of issue 14: the bootable sample treefile composed by our <see cref="TreeComposer"/> (kernel and
/// initramfs from <see cref="KernelInitramfsStep"/> at compose time), made into a disk image by
/// <see cref="DiskImageBuilder"/>, booted in QEMU (UEFI, TCG); then, offline on the image's sysroot, Debian's
/// <c>hello</c> is layered with <see cref="PackageLayering"/> and booted; then rolled back and booted again.
/// </summary>
/// <remarks>
/// Offline changes to the image go through a loop mount of its root partition (the test runs as root in CI): the first
/// boot wrote <c>/etc</c> and <c>/var</c> inside the image, and rebuilding the file system with <c>mkfs.ext4 -d</c> from a
/// host directory would need those changes copied out first (debugfs <c>rdump</c>, which drops xattrs and hard links).
/// Mounting the real file system and running the layering API on it is what a user repairing a disk would do.
/// </remarks>
public sealed class DiskImageBootTests(ITestOutputHelper output)
{
    // A boot takes 1-2 minutes under TCG on a loaded 2-core machine; the limit is several times that, only to stop a hung
    // VM from eating the CI budget. Nothing in the guest waits on the clock: the marker unit runs once basic.target is up.
    private static readonly TimeSpan BootTimeout = TimeSpan.FromMinutes(10);

    [SkippableFact]
    public async Task BootableImage_BootLayerRollback_BootsEachDeploymentAndKeepsEtcAndVar()
    {
        QemuBoot.RequireQemu();
        ExternalTool.Require("bwrap", "unshare", "mount", "umount", "fsfreeze", "sfdisk", "mkfs.ext4", "mkfs.vfat", "mcopy", "grub-mkstandalone", "dpkg-deb", "lsinitrd");
        Skip.IfNot(LibcPosixFileSystem.IsRoot, "The boot test builds its tree and image as root (CI runs as root).");
        using var temp = new TempDirectory("aptostree-boot-");
        var total = Stopwatch.StartNew();
        var clock = Stopwatch.StartNew();
        void Step(string what)
        {
            output.WriteLine($"[boot-test] {what}: {clock.Elapsed.TotalSeconds:F1} s");
            clock.Restart();
        }

        // 1. A bootable commit composed by our pipeline from the bootable sample treefile.
        var (repo, composed, composeTime) = await BootableTreeCompose.ComposeAsync(output.WriteLine);
        clock.Restart();
        output.WriteLine($"[boot-test] compose: {composeTime.TotalSeconds:F1} s");
        var baseCommit = composed.Commit!.Value;

        // 2. The disk image.
        string image = temp.Combine("disk.img");
        var built = await new DiskImageBuilder().BuildAsync(repo.Path, BootableTreeCompose.Ref, image, new DiskImageOptions
        {
            KernelArguments = ["rw", "console=ttyS0", $"systemd.unit={BootableTreeCompose.MarkerTarget}", "systemd.show_status=0"],
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

        // 4. Offline: layer Debian's hello (its .deb as a local package) on the image's sysroot with the layering API, then boot it.
        string sysroot = temp.Combine("mnt");
        string hello = RealDebs.Get("hello");
        Checksum helloCommit;
        using (MountRootPartition(image, sysroot))
        {
            var layering = PackageLayering.Open(sysroot);
            var layered = await layering.InstallAsync([hello]);
            helloCommit = layered.Commit!.Value;
            Assert.Equal(["hello"], layered.Plan.Added.Select(p => p.Name));
            Assert.Equal(baseCommit, layered.Plan.Base);
            Assert.Equal(helloCommit.ToString(), layered.Deployment!.Commit.ToString());
        }

        Step("offline layering of hello");
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
            var target = PackageLayering.Open(sysroot).Rollback();
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
        Assert.Contains(BootableTreeCompose.TreefileKernelArgument, cmdline.Split(' '));
        Assert.Equal("yes", boot.Value("ostree-booted"));
        Assert.Contains(boot.Status, l => l.StartsWith("* ", StringComparison.Ordinal) && l.Contains(commit, StringComparison.Ordinal));
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

    /// <summary>
    /// Freezes and thaws the file system before unmounting it: a freeze checkpoints ext4's journal into the file system
    /// proper, which is all GRUB reads (it never replays a journal). An unmount alone does that only when it releases the
    /// last reference; a process that copied the host's mount table meanwhile (any bubblewrap or unshare sandbox started
    /// on the machine while the image was mounted) keeps the file system alive, and GRUB then boots the previous menu.
    /// </summary>
    private sealed class Unmount(string mountPoint) : IDisposable
    {
        public void Dispose()
        {
            ExternalTool.Run("fsfreeze", ["--freeze", mountPoint]).EnsureSuccess("fsfreeze --freeze " + mountPoint);
            ExternalTool.Run("fsfreeze", ["--unfreeze", mountPoint]).EnsureSuccess("fsfreeze --unfreeze " + mountPoint);
            ExternalTool.Run("umount", [mountPoint]).EnsureSuccess("umount " + mountPoint);
        }
    }
}
