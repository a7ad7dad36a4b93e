using AptOstree.Compose.Images;
using AptOstree.Testing;

namespace AptOstree.Compose.Tests.Images;

/// <summary>
/// Finding the one kernel of a tree. The step itself (dracut in the sandbox, /boot emptied, the initramfs holding
/// ostree-prepare-root per <c>lsinitrd</c>) runs on a real Debian tree in <see cref="DiskImageBootTests"/>.
/// </summary>
public sealed class KernelInitramfsStepTests
{
    [Fact]
    public void FindKernelVersion_DebianLayout_ReturnsTheModulesDirectoryWithBootVmlinuz()
    {
        using var temp = new TempDirectory("aptostree-kernel-");
        Directory.CreateDirectory(temp.Combine("usr/lib/modules/6.1.0-9-amd64"));
        Directory.CreateDirectory(temp.Combine("usr/lib/modules/5.10.0-old"));
        Directory.CreateDirectory(temp.Combine("boot"));
        File.WriteAllText(temp.Combine("boot/vmlinuz-6.1.0-9-amd64"), "kernel");
        Assert.Equal("6.1.0-9-amd64", KernelInitramfsStep.FindKernelVersion(temp.Path));
    }

    [Fact]
    public void FindKernelVersion_AlreadyMoved_ReturnsIt()
    {
        using var temp = new TempDirectory("aptostree-kernel-");
        Directory.CreateDirectory(temp.Combine("usr/lib/modules/6.1.0-9-amd64"));
        File.WriteAllText(temp.Combine("usr/lib/modules/6.1.0-9-amd64/vmlinuz"), "kernel");
        Assert.Equal("6.1.0-9-amd64", KernelInitramfsStep.FindKernelVersion(temp.Path));
    }

    [Fact]
    public void FindKernelVersion_NoKernel_ThrowsKernelNotFoundNamingTheTree()
    {
        using var temp = new TempDirectory("aptostree-kernel-");
        Directory.CreateDirectory(temp.Combine("usr/lib/modules/6.1.0-9-amd64"));
        var ex = Assert.Throws<AptOstreeException>(() => KernelInitramfsStep.FindKernelVersion(temp.Path));
        Assert.Equal(ComposeErrorCodes.KernelNotFound, ex.ErrorCode);
        Assert.Contains(temp.Path, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FindKernelVersion_TwoKernels_ThrowsNamingBoth()
    {
        using var temp = new TempDirectory("aptostree-kernel-");
        Directory.CreateDirectory(temp.Combine("boot"));
        foreach (var k in new[] { "6.1.0-9-amd64", "6.1.0-10-amd64" })
        {
            Directory.CreateDirectory(temp.Combine("usr/lib/modules", k));
            File.WriteAllText(temp.Combine("boot", "vmlinuz-" + k), "kernel");
        }

        var ex = Assert.Throws<AptOstreeException>(() => KernelInitramfsStep.FindKernelVersion(temp.Path));
        Assert.Equal(ComposeErrorCodes.KernelNotFound, ex.ErrorCode);
        Assert.Contains("6.1.0-9-amd64", ex.Message, StringComparison.Ordinal);
        Assert.Contains("6.1.0-10-amd64", ex.Message, StringComparison.Ordinal);
    }
}
