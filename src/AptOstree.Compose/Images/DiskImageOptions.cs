namespace AptOstree.Compose.Images;

/// <summary>Options of <see cref="DiskImageBuilder.BuildAsync"/>.</summary>
public sealed record DiskImageOptions
{
    /// <summary>One mebibyte.</summary>
    public const long MiB = 1024 * 1024;

    /// <summary>Total image size in bytes (rounded up to a MiB); null: what the sysroot needs plus room to deploy and write <c>/var</c>.</summary>
    public long? Size { get; init; }

    /// <summary>Size of the EFI system partition in bytes (at least 33 MiB, FAT32's minimum).</summary>
    public long EfiPartitionSize { get; init; } = 64 * MiB;

    /// <summary>The stateroot (<c>--os</c>); default: the first element of the ref (<c>debian</c> for <c>debian/12/x86_64</c>).</summary>
    public string? Stateroot { get; init; }

    /// <summary>
    /// Kernel arguments (e.g. <c>console=ttyS0</c>) after <c>root=UUID=…</c>, which is always added, and the treefile's
    /// <c>kernel.cmdline</c> that the compose recorded in the commit (<see cref="ImportMetadata.KernelCommandLine"/>).
    /// </summary>
    public IReadOnlyList<string> KernelArguments { get; init; } = ["rw"];

    /// <summary>UUID of the root file system; default: derived from the commit checksum, so the same commit gives the same UUID.</summary>
    public Guid? RootFileSystemUuid { get; init; }

    /// <summary>Directory for intermediate files (the sysroot, the partition images); default: beside the output, removed afterwards.</summary>
    public string? WorkDirectory { get; init; }
}
