namespace AptOstree.OSTree;

/// <summary>Who owns checked-out files.</summary>
public enum CheckoutMode
{
    /// <summary>Apply owners and xattrs from the commit (needs root; hardlinks only from bare repos).</summary>
    Root,

    /// <summary>Files belong to the caller; no xattrs; setuid/setgid stripped on copies (<c>-U</c>).</summary>
    User,
}

/// <summary>What happens when the destination already has an entry.</summary>
public enum CheckoutOverwriteMode
{
    /// <summary>Fail (the destination must not exist).</summary>
    None,

    /// <summary>Replace files, merge directories (<c>--union</c>).</summary>
    UnionFiles,

    /// <summary>Keep existing files, add new ones (<c>--union-add</c>).</summary>
    AddFiles,
}

/// <summary>What <c>ostree checkout</c> would take as flags.</summary>
public sealed record CheckoutOptions
{
    /// <summary>The largest number of threads a checkout uses when <see cref="MaxParallelism"/> is null.</summary>
    public const int DefaultMaxParallelismCap = 8;

    private readonly int? _maxParallelism;

    /// <summary>Root or user mode (<c>-U</c>); bare-user-only repos always check out in user mode.</summary>
    public CheckoutMode Mode { get; init; } = CheckoutMode.Root;

    /// <summary>Union behaviour.</summary>
    public CheckoutOverwriteMode Overwrite { get; init; } = CheckoutOverwriteMode.None;

    /// <summary>Fail rather than copy when a hard link is impossible (<c>-H</c>); zero-size files and bare-user symlinks excepted.</summary>
    public bool RequireHardlinks { get; init; }

    /// <summary>Never hardlink (<c>-C</c>), e.g. for /etc-like trees that will be edited.</summary>
    public bool ForceCopy { get; init; }

    /// <summary>Process <c>.wh.NAME</c> and <c>.wh..wh..opq</c> overlay whiteouts (<c>--whiteouts</c>).</summary>
    public bool ProcessWhiteouts { get; init; }

    /// <summary>Turn <c>.ostree-wh.NAME</c> into 0:0 character devices (<c>--process-passthrough-whiteouts</c>).</summary>
    public bool ProcessPassthroughWhiteouts { get; init; }

    /// <summary>Only check out this path of the commit (<c>--subpath</c>).</summary>
    public string? Subpath { get; init; }

    /// <summary>Mask directory modes with 0775 (<c>-M</c>).</summary>
    public bool BareUserOnlyDirectories { get; init; }

    /// <summary>
    /// From an archive repository in user mode, uncompress each file once into the repository's
    /// <c>uncompressed-objects-cache</c> and hard-link it from there (files with the same content then share an
    /// inode), as <c>ostree checkout</c> does unless given <c>--disable-cache</c> or any option of the newer checkout
    /// API. Off by default, as in <c>ostree_repo_checkout_at</c>; <c>core.enable-uncompressed-cache=false</c> in the
    /// repository's config turns it off too. The cache is never cleaned automatically (ostree's neither).
    /// </summary>
    public bool UseUncompressedCache { get; init; }

    /// <summary>Receives (device, inode) → checksum of every hard link made, for a later fast re-commit.</summary>
    public DevInoCache? DevInoCache { get; init; }

    /// <summary>
    /// How many threads check out directories at once; null means two per processor (with a cold page cache the
    /// threads mostly wait for the disk, and more of them keep more reads in flight), at most
    /// <see cref="DefaultMaxParallelismCap"/>. 1 walks the tree on the calling thread only.
    /// </summary>
    /// <exception cref="AptOstreeException">The value is less than 1 (<see cref="OstreeErrorCodes.InvalidOption"/>).</exception>
    public int? MaxParallelism
    {
        get => _maxParallelism;
        init => _maxParallelism = value is null or >= 1
            ? value
            : throw new AptOstreeException(OstreeErrorCodes.InvalidOption, $"MaxParallelism must be at least 1 (or null for one per processor), not {value}.");
    }

    /// <summary>
    /// Read bare-user <c>user.ostreemeta</c> only through the full-path <c>lgetxattr</c>, as on kernels without
    /// <c>getxattrat</c> (tests of that path).
    /// </summary>
    internal bool FullPathXattrsOnly { get; init; }

    /// <summary>The number of threads this checkout uses.</summary>
    internal int EffectiveParallelism => _maxParallelism ?? Math.Clamp(2 * Environment.ProcessorCount, 1, DefaultMaxParallelismCap);
}
