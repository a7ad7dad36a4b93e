using AptOstree.OSTree;
using AptOstree.Posix;
using AptOstree.Testing;
using Xunit.Abstractions;

namespace AptOstree.Compose.Tests.Images;

/// <summary>
/// A compose of a treefile with <c>kernel</c> (the bootable sample) gives the layout <c>ostree admin deploy</c> boots:
/// <c>/usr/lib/modules/KVER/{vmlinuz,initramfs.img}</c>, an empty <c>/boot</c>, read back from the commit with the real
/// <c>ostree ls</c>/<c>ostree cat</c>, and an initramfs that <c>lsinitrd</c> shows holding <c>ostree-prepare-root</c> and
/// only the drivers the treefile's <c>initramfs.args</c> asked for. Booting it is <see cref="DiskImageBootTests"/>.
/// </summary>
public sealed class BootableComposeTests(ITestOutputHelper output)
{
    [SkippableFact]
    public async Task ComposeAsync_TreefileWithKernel_CommitsKernelAndInitramfsUnderUsrLibModulesAndEmptyBoot()
    {
        ExternalTool.Require("ostree", "lsinitrd");
        Skip.IfNot(LibcPosixFileSystem.IsRoot, "The compose runs its maintainer scripts as root (the interim configure sandbox); CI runs as root.");
        var (repo, result, _) = await BootableTreeCompose.ComposeAsync(output.WriteLine);
        string commit = result.Commit!.Value.ToString();
        Assert.Equal([BootableTreeCompose.TreefileKernelArgument], repo.ReadCommit(result.Commit.Value).GetMetadata(ImportMetadata.KernelCommandLine)?.AsStrings());
        Assert.Contains(result.Packages, p => p.Name.StartsWith("linux-image-", StringComparison.Ordinal) && p.Name.EndsWith("-amd64", StringComparison.Ordinal) && p.Name != "linux-image-amd64");

        string modules = Ls(repo.Path, commit, "/usr/lib/modules");
        var kernels = modules.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[^1])
            .Where(p => p != "/usr/lib/modules").ToList();
        string kver = Assert.Single(kernels)["/usr/lib/modules/".Length..];
        string kernelDir = Ls(repo.Path, commit, $"/usr/lib/modules/{kver}");
        Assert.Matches($@"(?m)^-0?0?644 .* /usr/lib/modules/{kver.Replace(".", "\\.", StringComparison.Ordinal)}/vmlinuz$", kernelDir);
        Assert.Matches($@"(?m)^-0?0?644 .* /usr/lib/modules/{kver.Replace(".", "\\.", StringComparison.Ordinal)}/initramfs\.img$", kernelDir);
        Assert.Contains($"/usr/lib/modules/{kver}/modules.dep", kernelDir, StringComparison.Ordinal);

        // /boot is an empty directory: ostree ls of a directory lists the directory itself and nothing else.
        var boot = Ls(repo.Path, commit, "/boot").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("/boot", Assert.Single(boot).Split(' ', StringSplitOptions.RemoveEmptyEntries)[^1]);
        string top = Ls(repo.Path, commit, "/");
        Assert.DoesNotContain(" /vmlinuz", top, StringComparison.Ordinal);
        Assert.DoesNotContain(" /initrd.img", top, StringComparison.Ordinal);

        using var temp = new TempDirectory("aptostree-bootable-");
        string initramfs = temp.Combine("initramfs.img");
        var cat = ExternalTool.Run("sh", ["-c", "ostree cat --repo=\"$1\" \"$2\" \"$3\" > \"$4\"", "sh", repo.Path, commit, $"/usr/lib/modules/{kver}/initramfs.img", initramfs]);
        cat.EnsureSuccess("ostree cat initramfs.img");
        string listing = ExternalTool.Run("lsinitrd", [initramfs]).EnsureSuccess("lsinitrd").StandardOutput;
        Assert.Contains("usr/lib/ostree/ostree-prepare-root", listing, StringComparison.Ordinal);
        Assert.Contains("virtio_blk", listing, StringComparison.Ordinal);
        Assert.DoesNotContain("nvme.ko", listing, StringComparison.Ordinal);
    }

    private static string Ls(string repo, string commit, string path) =>
        ExternalTool.Run("ostree", ["ls", "--repo=" + repo, commit, path]).EnsureSuccess("ostree ls " + path).StandardOutput;
}
