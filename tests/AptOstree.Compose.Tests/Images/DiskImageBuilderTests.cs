using System.Text.Json;
using AptOstree.Compose.Images;
using AptOstree.OSTree;
using AptOstree.OSTree.GVariant;
using AptOstree.OSTree.Sysroot;
using AptOstree.Posix;
using AptOstree.Testing;

namespace AptOstree.Compose.Tests.Images;

/// <summary>
/// The image's structure, read back with the real tools and without booting: the GPT (<c>sfdisk</c>), the ESP
/// (<c>mtools</c>), the ext4 root file system (<c>dumpe2fs</c>, <c>debugfs</c>) holding a sysroot that
/// <c>ostree admin status</c> reads, and a menu whose kernels exist. Booting is <see cref="DiskImageBootTests"/>.
/// </summary>
public sealed class DiskImageBuilderTests
{
    private const string Ref = "testos/1/x86_64";

    [SkippableFact]
    public async Task BuildAsync_SmallTree_WritesGptWithEspAndRootHoldingTheDeployedSysroot()
    {
        using var temp = RequireTools();
        var (repo, commit) = CommitFakeBootableTree(temp);
        string image = temp.Combine("disk.img");
        var uuid = Guid.Parse("0b6c6a7e-3c1d-4e2f-8a9b-0c1d2e3f4a5b");
        var built = await new DiskImageBuilder().BuildAsync(repo, Ref, image, new DiskImageOptions { RootFileSystemUuid = uuid, KernelArguments = ["rw", "console=ttyS0"] });

        Assert.Equal(commit, built.Commit);
        Assert.Equal("testos", built.Stateroot);
        Assert.Equal(new FileInfo(image).Length, built.Size);
        Assert.Equal(["sysroot", "deploy", "bootloader", "esp", "rootfs", "assemble", "cleanup"], built.Steps.Select(s => s.Name));
        Assert.False(Directory.Exists(image + ".work"));

        var partitions = ReadPartitions(image);
        Assert.Equal(2, partitions.Count);
        Assert.Equal(("C12A7328-F81F-11D2-BA4B-00A0C93EC93B", 2048L, 64L * 2048), (partitions[0].Type, partitions[0].Start, partitions[0].Size));
        Assert.Equal("4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709", partitions[1].Type);
        Assert.Equal(partitions[0].Start + partitions[0].Size, partitions[1].Start);

        string esp = Extract(image, partitions[0], temp.Combine("esp.img"));
        string listing = ExternalTool.Output("mdir", "-i", esp, "-b", "::/EFI/BOOT");
        Assert.Contains("BOOTX64.EFI", listing, StringComparison.Ordinal);
        string efi = temp.Combine("BOOTX64.EFI");
        ExternalTool.Run("mcopy", ["-i", esp, "::/EFI/BOOT/BOOTX64.EFI", efi], environment: new Dictionary<string, string> { ["MTOOLS_SKIP_CHECK"] = "1" }).EnsureSuccess("mcopy");
        Assert.Equal("MZ"u8.ToArray(), File.ReadAllBytes(efi)[..2]);

        string root = Extract(image, partitions[1], temp.Combine("root.img"));
        string header = ExternalTool.Output("dumpe2fs", "-h", root);
        Assert.Contains($"Filesystem UUID:          {uuid}", header, StringComparison.Ordinal);

        // The root file system holds the sysroot: copy it out with debugfs and read it with the real ostree.
        string copy = temp.Combine("sysroot-copy");
        Directory.CreateDirectory(copy);
        ExternalTool.Run("debugfs", ["-R", $"rdump / {copy}", root]).EnsureSuccess("debugfs rdump");
        string status = ExternalTool.Output("ostree", "admin", "status", $"--sysroot={copy}");
        Assert.Contains($"testos {commit}.0", status, StringComparison.Ordinal);
        var entry = BootLoaderEntry.Parse(File.ReadAllText(Directory.GetFiles($"{copy}/boot/loader/entries").Single()));
        Assert.Equal(["root=UUID=" + uuid, "rw", "console=ttyS0"], entry.Options.Arguments.Take(3));
        string grub = File.ReadAllText($"{copy}/boot/loader/grub.cfg");
        Assert.Contains($"linux '/boot{entry.Linux}'", grub, StringComparison.Ordinal);
        Assert.True(File.Exists($"{copy}/boot{entry.Linux}") && File.Exists($"{copy}/boot{entry.Initrd}"), "kernel and initramfs of the menu entry are in /boot");
    }

    [SkippableFact]
    public async Task BuildAsync_CommitWithTreefileKernelCmdline_BootEntryCarriesItBeforeTheCallersArguments()
    {
        using var temp = RequireTools();
        var (repo, commit) = CommitFakeBootableTree(temp, kernelCommandLine: ["console=ttyS0,115200n8", "aptostree.treefile-karg=1"]);
        string image = temp.Combine("disk.img");
        var uuid = Guid.Parse("5d1c0f3a-7b2e-4c6d-9e8f-a0b1c2d3e4f5");
        await new DiskImageBuilder().BuildAsync(repo, Ref, image, new DiskImageOptions { RootFileSystemUuid = uuid, KernelArguments = ["rw"] });

        string root = Extract(image, ReadPartitions(image)[1], temp.Combine("root.img"));
        string copy = temp.Combine("sysroot-copy");
        Directory.CreateDirectory(copy);
        ExternalTool.Run("debugfs", ["-R", $"rdump / {copy}", root]).EnsureSuccess("debugfs rdump");
        var entry = BootLoaderEntry.Parse(File.ReadAllText(Directory.GetFiles($"{copy}/boot/loader/entries").Single()));
        Assert.Equal(["root=UUID=" + uuid, "console=ttyS0,115200n8", "aptostree.treefile-karg=1", "rw"], entry.Options.Arguments.Take(4));
        string status = ExternalTool.Output("ostree", "admin", "status", $"--sysroot={copy}");
        Assert.Contains($"testos {commit}.0", status, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task BuildAsync_SizeTooSmall_ThrowsWithTheNeededSizeAndWritesNothing()
    {
        using var temp = RequireTools();
        var (repo, _) = CommitFakeBootableTree(temp);
        string image = temp.Combine("disk.img");
        var ex = await Assert.ThrowsAsync<AptOstreeException>(() => new DiskImageBuilder().BuildAsync(repo, Ref, image, new DiskImageOptions { Size = 80 * DiskImageOptions.MiB }));
        Assert.Equal(ComposeErrorCodes.ImageTooSmall, ex.ErrorCode);
        Assert.Contains("needs at least", ex.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(image));
        Assert.False(Directory.Exists(image + ".work"));
    }

    [SkippableFact]
    public async Task BuildAsync_TreeWithoutKernel_ThrowsKernelNotFound()
    {
        using var temp = RequireTools();
        string tree = temp.Combine("tree");
        Directory.CreateDirectory($"{tree}/usr/lib");
        File.WriteAllText($"{tree}/usr/lib/os-release", "ID=testos\n");
        string repo = temp.Combine("repo");
        OstreeRepository.Create(repo, RepoMode.Bare).Commit(tree, new CommitOptions { Branch = Ref });
        var ex = await Assert.ThrowsAsync<AptOstreeException>(() => new DiskImageBuilder().BuildAsync(repo, Ref, temp.Combine("disk.img")));
        Assert.Equal(DeploymentErrorCodes.KernelNotFound, ex.ErrorCode);
        Assert.False(File.Exists(temp.Combine("disk.img")));
    }

    [Theory]
    [InlineData("debian/12/x86_64", "debian")]
    [InlineData("origin:ubuntu/24.04/x86_64", "ubuntu")]
    [InlineData("0000000000000000000000000000000000000000000000000000000000000000", "os")]
    [InlineData("bad name/x", "os")]
    public void StaterootFromRef_Refspec_IsFirstElement(string refspec, string expected) =>
        Assert.Equal(expected, DiskImageBuilder.StaterootFromRef(refspec));

    [Fact]
    public void UuidFromCommit_SameCommit_SameVersion4Uuid()
    {
        var a = DiskImageBuilder.UuidFromCommit(new string('a', 64));
        Assert.Equal(a, DiskImageBuilder.UuidFromCommit(new string('a', 64)));
        Assert.NotEqual(a, DiskImageBuilder.UuidFromCommit(new string('b', 64)));
        Assert.Equal('4', a.ToString()[14]);
    }

    private static TempDirectory RequireTools()
    {
        ExternalTool.Require("sfdisk", "mkfs.ext4", "mkfs.vfat", "mcopy", "mdir", "grub-mkstandalone", "dumpe2fs", "debugfs", "ostree", "dd");
        Skip.IfNot(LibcPosixFileSystem.IsRoot, "Building a disk image needs root (CI runs as root).");
        Skip.IfNot(Directory.Exists("/usr/lib/grub/x86_64-efi"), "grub-efi-amd64-bin is not installed.");
        return new TempDirectory("aptostree-image-");
    }

    /// <summary>A tiny tree in the bootable layout (a stand-in kernel and initramfs; not bootable, but deployable).</summary>
    private static (string Repo, string Commit) CommitFakeBootableTree(TempDirectory temp, IReadOnlyList<string>? kernelCommandLine = null)
    {
        string tree = temp.Combine("tree");
        Directory.CreateDirectory($"{tree}/usr/lib/modules/6.1.0-test");
        Directory.CreateDirectory($"{tree}/usr/etc");
        File.WriteAllText($"{tree}/usr/lib/modules/6.1.0-test/vmlinuz", "kernel");
        File.WriteAllText($"{tree}/usr/lib/modules/6.1.0-test/initramfs.img", "initramfs");
        File.WriteAllText($"{tree}/usr/lib/os-release", "ID=testos\nPRETTY_NAME=\"Test OS\"\n");
        File.WriteAllText($"{tree}/usr/etc/hostname", "test\n");
        string repo = temp.Combine("repo");
        var metadata = kernelCommandLine is null ? null : new List<KeyValuePair<string, GVariantValue>> { new(ImportMetadata.KernelCommandLine, GVariantValue.FromStrings(kernelCommandLine)) };
        var checksum = OstreeRepository.Create(repo, RepoMode.Bare).Commit(tree, new CommitOptions { Branch = Ref, Metadata = metadata });
        return (repo, checksum.ToString());
    }

    private static List<(string Type, long Start, long Size)> ReadPartitions(string image)
    {
        using var json = JsonDocument.Parse(ExternalTool.Output("sfdisk", "-J", image));
        return json.RootElement.GetProperty("partitiontable").GetProperty("partitions").EnumerateArray()
            .Select(p => (p.GetProperty("type").GetString()!, p.GetProperty("start").GetInt64(), p.GetProperty("size").GetInt64())).ToList();
    }

    private static string Extract(string image, (string Type, long Start, long Size) partition, string output)
    {
        ExternalTool.Run("dd", [$"if={image}", $"of={output}", "bs=512", $"skip={partition.Start}", $"count={partition.Size}", "status=none"]).EnsureSuccess("dd");
        return output;
    }
}
