using System.Security.Cryptography;
using AptOstree.Posix;

namespace AptOstree.OSTree.Sysroot;

/// <summary>
/// The kernel of a deployed tree and its boot checksum, found the way libostree does: first
/// <c>usr/lib/modules/&lt;kver&gt;/vmlinuz</c> (+ <c>initramfs.img</c>/<c>initramfs</c>, <c>devicetree</c>), then the
/// legacy <c>usr/lib/ostree-boot/</c> or <c>boot/</c> with <c>vmlinuz-&lt;kver&gt;-&lt;sha256&gt;</c>.
/// </summary>
/// <param name="KernelVersion">The kernel version (the <c>usr/lib/modules</c> directory name).</param>
/// <param name="KernelPath">Path of the kernel relative to the tree root.</param>
/// <param name="InitramfsPath">Path of the initramfs relative to the tree root, or null.</param>
/// <param name="DevicetreePath">Path of a device tree file relative to the tree root, or null.</param>
/// <param name="BootChecksum">SHA-256 hex of kernel ‖ initramfs ‖ devicetree (modern), or the legacy name suffix.</param>
public sealed record BootKernel(string KernelVersion, string KernelPath, string? InitramfsPath, string? DevicetreePath, string BootChecksum)
{
    private static readonly string[] InitramfsNames = ["initramfs.img", "initramfs"];

    /// <summary>Installed kernel name inside <c>/boot/ostree/&lt;os&gt;-&lt;bootcsum&gt;/</c>.</summary>
    public string KernelFileName => $"vmlinuz-{KernelVersion}";

    /// <summary>Installed initramfs name.</summary>
    public string InitramfsFileName => $"initramfs-{KernelVersion}.img";

    /// <summary>Installed device tree name.</summary>
    public string DevicetreeFileName => $"devicetree-{KernelVersion}";

    /// <summary>Finds the kernel in a checked-out tree.</summary>
    /// <exception cref="AptOstreeException">No kernel (<see cref="DeploymentErrorCodes.KernelNotFound"/>), or legacy checksums that disagree.</exception>
    public static BootKernel Find(IPosixFileSystem fileSystem, string treeRoot)
    {
        ArgumentNullException.ThrowIfNull(fileSystem);
        ArgumentNullException.ThrowIfNull(treeRoot);
        string modules = $"{treeRoot}/usr/lib/modules";
        if (IsDirectory(fileSystem, modules))
        {
            foreach (var kver in fileSystem.ListDirectory(modules).Order(StringComparer.Ordinal))
            {
                string dir = $"usr/lib/modules/{kver}";
                if (!IsRegular(fileSystem, $"{treeRoot}/{dir}/vmlinuz"))
                {
                    continue;
                }

                string? initramfs = InitramfsNames.Select(n => $"{dir}/{n}").FirstOrDefault(p => IsRegular(fileSystem, $"{treeRoot}/{p}"));
                string? devicetree = IsRegular(fileSystem, $"{treeRoot}/{dir}/devicetree") ? $"{dir}/devicetree" : null;
                using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                foreach (var part in new[] { $"{dir}/vmlinuz", initramfs, devicetree })
                {
                    if (part is not null)
                    {
                        AppendFile(fileSystem, $"{treeRoot}/{part}", hash);
                    }
                }

                return new BootKernel(kver, $"{dir}/vmlinuz", initramfs, devicetree, Convert.ToHexStringLower(hash.GetHashAndReset()));
            }
        }

        foreach (var legacy in new[] { "usr/lib/ostree-boot", "boot" })
        {
            var found = FindLegacy(fileSystem, treeRoot, legacy);
            if (found is not null)
            {
                return found;
            }
        }

        throw new AptOstreeException(DeploymentErrorCodes.KernelNotFound, $"No kernel found in '{treeRoot}': expected usr/lib/modules/<kver>/vmlinuz (or legacy usr/lib/ostree-boot/vmlinuz-<kver>-<sha256>).");
    }

    private static BootKernel? FindLegacy(IPosixFileSystem fs, string treeRoot, string dir)
    {
        string full = $"{treeRoot}/{dir}";
        if (!IsDirectory(fs, full))
        {
            return null;
        }

        var names = fs.ListDirectory(full).Order(StringComparer.Ordinal).ToList();
        string? kernel = names.FirstOrDefault(n => n.StartsWith("vmlinuz-", StringComparison.Ordinal) && IsRegular(fs, $"{full}/{n}"));
        if (kernel is null)
        {
            return null;
        }

        int dash = kernel.LastIndexOf('-');
        string csum = kernel[(dash + 1)..];
        if (dash <= "vmlinuz".Length || csum.Length != 64 || !csum.All(Uri.IsHexDigit))
        {
            throw new AptOstreeException(DeploymentErrorCodes.KernelNotFound, $"Legacy kernel '{dir}/{kernel}' lacks the -<sha256> suffix.");
        }

        string kver = kernel["vmlinuz-".Length..dash];
        string? initramfs = names.FirstOrDefault(n => n.StartsWith("initramfs-", StringComparison.Ordinal));
        string? devicetree = names.FirstOrDefault(n => n.StartsWith("devicetree-", StringComparison.Ordinal));
        foreach (var other in new[] { initramfs, devicetree })
        {
            if (other is not null && !other.EndsWith("-" + csum, StringComparison.Ordinal))
            {
                throw new AptOstreeException(DeploymentErrorCodes.KernelNotFound, $"Legacy boot file '{dir}/{other}' does not end with the kernel's checksum {csum}.");
            }
        }

        return new BootKernel(kver, $"{dir}/{kernel}", initramfs is null ? null : $"{dir}/{initramfs}", devicetree is null ? null : $"{dir}/{devicetree}", csum);
    }

    private static void AppendFile(IPosixFileSystem fs, string path, IncrementalHash hash)
    {
        using var stream = fs.OpenRead(path);
        byte[] buffer = new byte[81920];
        int read;
        while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
        {
            hash.AppendData(buffer, 0, read);
        }
    }

    private static bool IsDirectory(IPosixFileSystem fs, string path) => fs.TryGetStatus(path, out var st) && st.IsDirectory;

    private static bool IsRegular(IPosixFileSystem fs, string path) => fs.TryGetStatus(path, out var st) && st.IsRegularFile;
}
