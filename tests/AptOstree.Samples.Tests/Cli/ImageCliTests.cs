using AptOstree.Posix;
using AptOstree.Testing;

namespace AptOstree.Samples.Tests.Cli;

/// <summary>`apt-ostree image build`: the image appears with its step times; bad sizes are refused before any work.</summary>
public class ImageCliTests
{
    private const string Branch = "testos/1/x86_64";

    [SkippableFact]
    public void ImageBuild_FakeKernelCommit_WritesGptImageAndPrintsSteps()
    {
        ExternalTool.Require("ostree", "sfdisk", "mkfs.ext4", "mkfs.vfat", "mcopy", "grub-mkstandalone");
        Skip.IfNot(LibcPosixFileSystem.IsRoot, "Building a disk image needs root (CI runs as root).");
        using var tmp = new TempDirectory("aptostree-cliimage-");
        string repo = CommitFakeBootableTree(tmp);
        string image = tmp.Combine("disk.img");

        var result = SampleTools.AptOstree("image", "build", $"--repo={repo}", Branch, $"--out={image}", "--size=600M", "--karg=rw", "--karg=console=ttyS0");
        Assert.True(result.ExitCode == 0, result.StandardError + result.StandardOutput);
        Assert.Equal(600L * 1024 * 1024, new FileInfo(image).Length);
        Assert.Contains($"Wrote {image} (600 MiB)", result.StandardOutput, StringComparison.Ordinal);
        foreach (var step in new[] { "sysroot", "deploy", "bootloader", "esp", "rootfs", "assemble", "total" })
        {
            Assert.Contains($"  {step}", result.StandardOutput, StringComparison.Ordinal);
        }

        string table = ExternalTool.Output("sfdisk", "-d", image);
        Assert.Contains("type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B", table, StringComparison.Ordinal);
        Assert.Contains("type=4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709", table, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void ImageBuild_SizeTooSmall_ExitsTwoWithTheErrorCode()
    {
        ExternalTool.Require("ostree", "sfdisk", "mkfs.ext4", "mkfs.vfat", "mcopy", "grub-mkstandalone");
        Skip.IfNot(LibcPosixFileSystem.IsRoot, "Building a disk image needs root (CI runs as root).");
        using var tmp = new TempDirectory("aptostree-cliimage-");
        string repo = CommitFakeBootableTree(tmp);
        var result = SampleTools.AptOstree("image", "build", $"--repo={repo}", Branch, $"--out={tmp.Combine("disk.img")}", "--size=70M");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("AO6903", result.StandardError, StringComparison.Ordinal);
        Assert.False(File.Exists(tmp.Combine("disk.img")));
    }

    [Fact]
    public void ImageBuild_SizeNotANumber_ExitsTwoNamingTheOption()
    {
        using var tmp = new TempDirectory("aptostree-cliimage-");
        var result = SampleTools.AptOstree("image", "build", $"--repo={tmp.Path}", Branch, $"--out={tmp.Combine("disk.img")}", "--size=lots");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--size: 'lots' is not a size", result.StandardError, StringComparison.Ordinal);
    }

    private static string CommitFakeBootableTree(TempDirectory tmp)
    {
        string tree = tmp.Combine("tree");
        Directory.CreateDirectory($"{tree}/usr/lib/modules/6.1.0-test");
        Directory.CreateDirectory($"{tree}/usr/etc");
        File.WriteAllText($"{tree}/usr/lib/modules/6.1.0-test/vmlinuz", "kernel");
        File.WriteAllText($"{tree}/usr/lib/modules/6.1.0-test/initramfs.img", "initramfs");
        File.WriteAllText($"{tree}/usr/lib/os-release", "ID=testos\n");
        string repo = tmp.Combine("repo");
        ExternalTool.Output("ostree", "init", $"--repo={repo}", "--mode=bare");
        ExternalTool.Output("ostree", "commit", $"--repo={repo}", "-b", Branch, $"--tree=dir={tree}");
        return repo;
    }
}
