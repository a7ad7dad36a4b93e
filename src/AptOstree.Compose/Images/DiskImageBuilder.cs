using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using AptOstree.OSTree;
using AptOstree.OSTree.Sysroot;
using AptOstree.Posix;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AptOstree.Compose.Images;

/// <summary>
/// Builds a raw, bootable GPT disk image from a commit: a sysroot with the commit deployed by the deployment
/// manager (BLS entries plus a <c>grub.cfg</c> beside them, see <see cref="GrubBootConfig"/>), an EFI system
/// partition holding a standalone GRUB (<c>EFI/BOOT/BOOTX64.EFI</c>) that finds the root file system by UUID and
/// reads <c>/boot/loader/grub.cfg</c>, and an ext4 root partition. Nothing is mounted: the partitions are made as
/// files (<c>mkfs.vfat</c> + <c>mtools</c>, <c>mkfs.ext4 -d</c>), laid out with <c>sfdisk</c> and copied in.
/// </summary>
/// <remarks>
/// The image boots with UEFI firmware (OVMF in QEMU, or a PC) from the removable-media path. Because GRUB reads
/// the menu through the <c>boot/loader</c> symlink, later deployments, rollbacks and cleanups made by
/// <see cref="OstreeSysroot"/> on the image's sysroot (offline or from the running system) change what boots.
/// </remarks>
public sealed class DiskImageBuilder
{
    private const string EspTypeGuid = "C12A7328-F81F-11D2-BA4B-00A0C93EC93B";
    private const string RootX8664TypeGuid = "4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709";
    private const string GrubModuleDirectory = "/usr/lib/grub/x86_64-efi";
    private const long BlockSize = 4096;

    private static readonly (string Tool, string Package)[] RequiredTools =
    [
        ("sfdisk", "fdisk"), ("mkfs.ext4", "e2fsprogs"), ("mkfs.vfat", "dosfstools"), ("mmd", "mtools"), ("mcopy", "mtools"),
        ("grub-mkstandalone", "grub-common"),
    ];

    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly ExternalToolRunner _tools;
    private readonly LibcPosixFileSystem _fs = LibcPosixFileSystem.Instance;

    /// <summary>Creates a builder.</summary>
    /// <param name="loggerFactory">Logging for the builder and the deployment manager it drives; none by default.</param>
    public DiskImageBuilder(ILoggerFactory? loggerFactory = null)
    {
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        _logger = _loggerFactory.CreateLogger<DiskImageBuilder>();
        _tools = new ExternalToolRunner(_logger);
    }

    /// <summary>
    /// Builds <paramref name="outputPath"/> from <paramref name="refspec"/> of the repository at
    /// <paramref name="repositoryPath"/>. The image appears only when complete (written to a temporary name, then renamed).
    /// </summary>
    /// <param name="repositoryPath">The OSTree repository holding the commit (any mode).</param>
    /// <param name="refspec">A ref or commit checksum; a tree with a kernel in <c>usr/lib/modules/KVER/</c>.</param>
    /// <param name="outputPath">The raw image to write (replaced when it exists).</param>
    /// <param name="options">Size, kernel arguments, stateroot, UUID.</param>
    /// <param name="progress">One report per finished step (<see cref="ProgressUnit.Steps"/>, the step's name as item).</param>
    /// <param name="cancellationToken">Cancels between and during steps; the work directory is removed.</param>
    /// <returns>The image with its commit, UUID and per-step times.</returns>
    /// <exception cref="AptOstreeException">Not root, a tool missing or failing, an unknown ref, a tree without kernel, a size too small.</exception>
    public async Task<DiskImage> BuildAsync(string repositoryPath, string refspec, string outputPath, DiskImageOptions? options = null, IProgress<OperationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(repositoryPath);
        ArgumentException.ThrowIfNullOrEmpty(refspec);
        ArgumentException.ThrowIfNullOrEmpty(outputPath);
        options ??= new DiskImageOptions();
        if (options.EfiPartitionSize < 33 * DiskImageOptions.MiB)
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"EfiPartitionSize must be at least 33 MiB (FAT32's minimum), got {options.EfiPartitionSize} bytes.");
        }

        if (!LibcPosixFileSystem.IsRoot)
        {
            throw new AptOstreeException(ComposeErrorCodes.ImageNeedsRoot, "Building a disk image needs root: mkfs.ext4 -d copies the owner of every file, and a deployment checked out without root is owned by the caller.");
        }

        ExternalToolRunner.Require(RequiredTools);
        if (!Directory.Exists(GrubModuleDirectory))
        {
            throw new AptOstreeException(ComposeErrorCodes.ImageToolMissing, $"GRUB's x86_64-efi modules ({GrubModuleDirectory}) are not installed (Debian package 'grub-efi-amd64-bin').");
        }

        string output = Path.GetFullPath(outputPath);
        string work = Path.GetFullPath(options.WorkDirectory ?? output + ".work");
        var steps = new List<DiskImageStep>();
        var clock = Stopwatch.StartNew();
        void Done(string step)
        {
            steps.Add(new DiskImageStep(step, clock.Elapsed));
            ImageLog.StepFinished(_logger, step, clock.Elapsed.TotalSeconds);
            progress?.Report(new OperationProgress("image", steps.Count, 7, ProgressUnit.Steps, step));
            clock.Restart();
        }

        var source = OstreeRepository.Open(repositoryPath, new RepositoryOptions { LoggerFactory = _loggerFactory });
        string commit = source.ResolveRev(refspec).ToString();
        var composedKernelArguments = source.ReadCommit(Checksum.Parse(commit)).GetMetadata(ImportMetadata.KernelCommandLine)?.AsStrings() ?? [];
        string stateroot = options.Stateroot ?? StaterootFromRef(refspec);
        Guid uuid = options.RootFileSystemUuid ?? UuidFromCommit(commit);
        DeleteTree(work);
        Directory.CreateDirectory(work);
        try
        {
            string sysroot = Path.Combine(work, "sysroot");
            var factory = new OstreeSysrootFactory(_fs, _loggerFactory);
            factory.InitializeFileSystem(sysroot);
            var sysrootRepo = OstreeRepository.Open($"{sysroot}/ostree/repo", new RepositoryOptions { LoggerFactory = _loggerFactory });
            sysrootRepo.Config.SetString(GrubBootConfig.ConfigGroup, GrubBootConfig.ConfigKey, GrubBootConfig.GrubValue);
            sysrootRepo.SaveConfig();
            await sysrootRepo.PullLocalAsync(repositoryPath, commit, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (!Checksum.TryParse(refspec, out _))
            {
                sysrootRepo.Refs.Set(refspec, Checksum.Parse(commit));
            }

            Done("sysroot");

            var opened = factory.Open(sysroot);
            opened.InitializeStateroot(stateroot);
            // The treefile's kernel.cmdline (recorded by the compose) before the caller's, which may override it.
            var kargs = new List<string> { $"root=UUID={uuid}" };
            kargs.AddRange(composedKernelArguments);
            kargs.AddRange(options.KernelArguments);
            opened.Deploy(refspec, new DeployOptions { Stateroot = stateroot, KernelArguments = kargs }, cancellationToken);
            Done("deploy");

            string efi = Path.Combine(work, "BOOTX64.EFI");
            await BuildGrubAsync(work, uuid, efi, cancellationToken).ConfigureAwait(false);
            Done("bootloader");

            string esp = Path.Combine(work, "esp.img");
            long espSize = RoundUp(options.EfiPartitionSize, DiskImageOptions.MiB);
            await BuildEspAsync(esp, espSize, efi, commit, cancellationToken).ConfigureAwait(false);
            Done("esp");

            var usage = MeasureTree(sysroot, cancellationToken);
            long needed = usage.MinimumFileSystemSize;
            long rootSize;
            if (options.Size is { } total)
            {
                rootSize = RoundDown(total, DiskImageOptions.MiB) - espSize - (2 * DiskImageOptions.MiB);
                if (rootSize < needed)
                {
                    throw new AptOstreeException(ComposeErrorCodes.ImageTooSmall, $"An image of {total} bytes leaves {Math.Max(0, rootSize) / DiskImageOptions.MiB} MiB for the root file system; the sysroot of {commit} needs at least {needed / DiskImageOptions.MiB} MiB (image size {(needed + espSize + (2 * DiskImageOptions.MiB)) / DiskImageOptions.MiB} MiB).");
                }
            }
            else
            {
                rootSize = RoundUp((needed * 13 / 10) + (512 * DiskImageOptions.MiB), DiskImageOptions.MiB);
            }

            string rootImage = Path.Combine(work, "root.img");
            await BuildRootFileSystemAsync(rootImage, rootSize, sysroot, uuid, usage.Inodes, cancellationToken).ConfigureAwait(false);
            Done("rootfs");

            long imageSize = (1 * DiskImageOptions.MiB) + espSize + rootSize + (1 * DiskImageOptions.MiB);
            string temp = output + ".tmp";
            await AssembleAsync(temp, imageSize, esp, rootImage, espSize, rootSize, commit, cancellationToken).ConfigureAwait(false);
            File.Move(temp, output, overwrite: true);
            Done("assemble");
            DeleteTree(work);
            Done("cleanup");
            return new DiskImage(output, imageSize, commit, stateroot, uuid, steps);
        }
        finally
        {
            DeleteTree(work);
            if (File.Exists(output + ".tmp"))
            {
                File.Delete(output + ".tmp");
            }
        }
    }

    /// <summary>The stateroot name implied by a ref: its first element without the remote (<c>debian</c> for <c>origin:debian/12/x86_64</c>).</summary>
    internal static string StaterootFromRef(string refspec)
    {
        string name = refspec[(refspec.IndexOf(':', StringComparison.Ordinal) + 1)..];
        if (Checksum.TryParse(name, out _))
        {
            return "os";
        }

        name = name.Split('/')[0];
        return name.Length > 0 && name[0] != '.' && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.') ? name : "os";
    }

    /// <summary>A version-4-shaped UUID from the commit checksum: the same commit always gets the same root file system UUID.</summary>
    internal static Guid UuidFromCommit(string commit)
    {
        byte[] hash = SHA256.HashData(Encoding.UTF8.GetBytes("aptostree-root-fs:" + commit));
        hash[6] = (byte)((hash[6] & 0x0F) | 0x40);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash.AsSpan(0, 16), bigEndian: true);
    }

    private async Task BuildGrubAsync(string work, Guid uuid, string efi, CancellationToken cancellationToken)
    {
        // The embedded configuration only locates the sysroot; the menu is the grub.cfg the deployment manager keeps
        // beside the BLS entries, reached through the boot/loader symlink (GRUB's ext2 driver follows symlinks).
        string embedded = Path.Combine(work, "embedded-grub.cfg");
        await File.WriteAllTextAsync(embedded, $"""
            search --no-floppy --fs-uuid --set=root {uuid}
            if [ -f /boot/loader/{GrubBootConfig.FileName} ]; then
              configfile /boot/loader/{GrubBootConfig.FileName}
            fi
            echo "apt-ostree: no /boot/loader/{GrubBootConfig.FileName} on the file system with UUID {uuid}"
            sleep 10

            """, cancellationToken).ConfigureAwait(false);
        await _tools.RunAsync("grub-mkstandalone", [
            "--format=x86_64-efi", "--output=" + efi, "--modules=part_gpt ext2 search_fs_uuid configfile linux normal test echo sleep",
            "--locales=", "--fonts=", "--themes=", "boot/grub/grub.cfg=" + embedded,
        ], cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    private async Task BuildEspAsync(string esp, long size, string efi, string commit, CancellationToken cancellationToken)
    {
        string volumeId = commit[..8];
        await _tools.RunAsync("mkfs.vfat", ["-C", "-F", "32", "-n", "EFI", "-i", volumeId, esp, (size / 1024).ToString(CultureInfo.InvariantCulture)], cancellationToken: cancellationToken).ConfigureAwait(false);
        var mtools = new Dictionary<string, string> { ["MTOOLS_SKIP_CHECK"] = "1" };
        await _tools.RunAsync("mmd", ["-i", esp, "::/EFI", "::/EFI/BOOT"], environment: mtools, cancellationToken: cancellationToken).ConfigureAwait(false);
        await _tools.RunAsync("mcopy", ["-i", esp, efi, "::/EFI/BOOT/BOOTX64.EFI"], environment: mtools, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    private async Task BuildRootFileSystemAsync(string image, long size, string sysroot, Guid uuid, long inodes, CancellationToken cancellationToken)
    {
        long inodeCount = Math.Max(65536, inodes * 2);
        await _tools.RunAsync("mkfs.ext4", [
            "-q", "-F", "-t", "ext4", "-L", "root", "-U", uuid.ToString(), "-m", "0", "-N", inodeCount.ToString(CultureInfo.InvariantCulture),
            "-E", $"root_owner=0:0,hash_seed={uuid}", "-d", sysroot, image, $"{size / 1024}k",
        ], environment: new Dictionary<string, string> { ["E2FSPROGS_FAKE_TIME"] = "1" }, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    private async Task AssembleAsync(string image, long imageSize, string esp, string root, long espSize, long rootSize, string commit, CancellationToken cancellationToken)
    {
        using (var file = new FileStream(image, FileMode.Create, FileAccess.Write))
        {
            file.SetLength(imageSize);
        }

        const long sector = 512;
        long espStart = DiskImageOptions.MiB / sector;
        long rootStart = espStart + (espSize / sector);
        byte[] hash = SHA256.HashData(Encoding.UTF8.GetBytes("aptostree-disk:" + commit));
        var script = new StringBuilder()
            .Append("label: gpt\n")
            .Append("label-id: ").Append(new Guid(hash.AsSpan(0, 16), bigEndian: true)).Append('\n')
            .Append(CultureInfo.InvariantCulture, $"start={espStart}, size={espSize / sector}, type={EspTypeGuid}, name=\"EFI System\"\n")
            .Append(CultureInfo.InvariantCulture, $"start={rootStart}, size={rootSize / sector}, type={RootX8664TypeGuid}, name=\"root\"\n");
        await _tools.RunAsync("sfdisk", ["--quiet", "--no-reread", "--no-tell-kernel", image], script.ToString(), cancellationToken: cancellationToken).ConfigureAwait(false);
        await CopyIntoAsync(esp, image, espStart * sector, cancellationToken).ConfigureAwait(false);
        await CopyIntoAsync(root, image, rootStart * sector, cancellationToken).ConfigureAwait(false);
        using var written = new FileStream(image, FileMode.Open, FileAccess.ReadWrite);
        written.Flush(flushToDisk: true);
    }

    /// <summary>Copies a partition file into the image at <paramref name="offset"/>, leaving zero blocks as holes.</summary>
    private static async Task CopyIntoAsync(string partition, string image, long offset, CancellationToken cancellationToken)
    {
        const int chunk = 1 << 20;
        using var source = new FileStream(partition, FileMode.Open, FileAccess.Read, FileShare.Read, chunk, FileOptions.SequentialScan);
        using var target = new FileStream(image, FileMode.Open, FileAccess.Write, FileShare.None, chunk);
        byte[] buffer = new byte[chunk];
        long position = 0;
        int read;
        while ((read = await source.ReadAtLeastAsync(buffer, chunk, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.AsSpan(0, read).ContainsAnyExcept((byte)0))
            {
                target.Position = offset + position;
                await target.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            }

            position += read;
        }
    }

    /// <summary>Blocks and inodes the sysroot takes (hard links counted once), walked without recursion.</summary>
    private TreeUsage MeasureTree(string root, CancellationToken cancellationToken)
    {
        var seen = new HashSet<ulong>();
        long blocks = 0, inodes = 0;
        var pending = new Stack<string>();
        pending.Push(root);
        while (pending.Count > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            string dir = pending.Pop();
            foreach (var name in _fs.ListDirectory(dir))
            {
                string path = $"{dir}/{name}";
                var st = _fs.GetStatus(path);
                if (!seen.Add(st.Inode))
                {
                    continue;
                }

                inodes++;
                if (st.IsDirectory)
                {
                    blocks += 1;
                    pending.Push(path);
                }
                else if (st.IsRegularFile || (st.IsSymbolicLink && st.Size >= 60))
                {
                    blocks += (st.Size + BlockSize - 1) / BlockSize;
                }
            }
        }

        return new TreeUsage(blocks, inodes);
    }

    private static void DeleteTree(string path)
    {
        if (Directory.Exists(path))
        {
            Directory.Delete(path, recursive: true);
        }
    }

    private static long RoundUp(long value, long unit) => (value + unit - 1) / unit * unit;

    private static long RoundDown(long value, long unit) => value / unit * unit;

    private readonly record struct TreeUsage(long Blocks, long Inodes)
    {
        /// <summary>Data blocks + 25% for ext4 metadata (bitmaps, inode tables, extents, directories) + the journal.</summary>
        public long MinimumFileSystemSize => (Blocks * BlockSize * 5 / 4) + (Inodes * 512) + (64 * DiskImageOptions.MiB);
    }
}
