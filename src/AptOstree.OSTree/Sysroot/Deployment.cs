namespace AptOstree.OSTree.Sysroot;

/// <summary>One deployment of a sysroot, as listed by <c>ostree admin status</c>.</summary>
public sealed record Deployment
{
    /// <summary>Position in the deployment list (0 = default boot entry; a staged deployment is always 0).</summary>
    public required int Index { get; init; }

    /// <summary>The OS name (stateroot), e.g. <c>debian</c>.</summary>
    public required string Stateroot { get; init; }

    /// <summary>The deployed commit.</summary>
    public required Checksum Commit { get; init; }

    /// <summary>Distinguishes several deployments of the same commit in one stateroot.</summary>
    public required int DeploySerial { get; init; }

    /// <summary>SHA-256 of kernel, initramfs and device trees (names <c>/boot/ostree/&lt;os&gt;-&lt;bootcsum&gt;</c>).</summary>
    public required string BootChecksum { get; init; }

    /// <summary>Distinguishes deployments sharing a boot checksum in the symlink farm (0 for a new or staged one).</summary>
    public int BootSerial { get; init; }

    /// <summary>The parsed <c>.origin</c> file, or null when there is none.</summary>
    public DeploymentOrigin? Origin { get; init; }

    /// <summary>Kernel options of the boot entry without <c>ostree=</c>.</summary>
    public required KernelArguments KernelArguments { get; init; }

    /// <summary>The BLS entry as read from disk (null for a staged deployment).</summary>
    public BootLoaderEntry? BootEntry { get; init; }

    /// <summary>True for a staged deployment waiting for finalization.</summary>
    public bool IsStaged { get; init; }

    /// <summary>True for the deployment the running system booted (never for an offline sysroot).</summary>
    public bool IsBooted { get; init; }

    /// <summary><c>&lt;commit&gt;.&lt;serial&gt;</c>, the deployment directory's name.</summary>
    public string Name => $"{Commit}.{DeploySerial}";

    /// <summary>The deployment root relative to the sysroot.</summary>
    public string RelativePath => $"ostree/deploy/{Stateroot}/deploy/{Name}";

    /// <summary>True when the origin says <c>pinned=true</c>.</summary>
    public bool IsPinned => Origin?.IsPinned ?? false;

    /// <summary>True when both name the same deployment directory.</summary>
    public bool SameDeploymentAs(Deployment other) =>
        other is not null && other.Stateroot == Stateroot && other.Commit == Commit && other.DeploySerial == DeploySerial;

    /// <summary>Parses a deployment directory name <c>&lt;hex&gt;.&lt;serial&gt;</c>.</summary>
    /// <exception cref="InvalidFormatException">The name does not match.</exception>
    public static (Checksum Commit, int Serial) ParseName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        int dot = name.LastIndexOf('.');
        if (dot == 64 && name[..64].All(IsLowerHex) && name.Length > 65 && name[65..].All(char.IsAsciiDigit)
            && int.TryParse(name[65..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int serial))
        {
            return (Checksum.Parse(name.AsSpan(0, 64)), serial);
        }

        throw new InvalidFormatException(DeploymentErrorCodes.InvalidDeploymentName, $"'{name}' is not a deployment name (<64 hex>.<serial>).", source: name);
    }

    private static bool IsLowerHex(char c) => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f';
}
