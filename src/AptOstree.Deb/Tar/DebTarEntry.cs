namespace AptOstree.Deb;

/// <summary>
/// The metadata of one tar entry of a .deb member, exactly as recorded in the archive.
/// </summary>
public sealed record DebTarEntry
{
    private static readonly IReadOnlyDictionary<string, ReadOnlyMemory<byte>> NoAttributes = new Dictionary<string, ReadOnlyMemory<byte>>();

    /// <summary>The name as written in the archive, e.g. <c>./usr/bin/ls</c> or <c>./usr/</c>.</summary>
    public required string Name { get; init; }

    /// <summary>The entry kind.</summary>
    public required DebTarEntryType Type { get; init; }

    /// <summary>Permission bits including setuid, setgid and sticky (07777).</summary>
    public required uint Permissions { get; init; }

    /// <summary>Numeric owner id.</summary>
    public int Uid { get; init; }

    /// <summary>Numeric group id.</summary>
    public int Gid { get; init; }

    /// <summary>Owner name (may be empty).</summary>
    public string UserName { get; init; } = string.Empty;

    /// <summary>Group name (may be empty).</summary>
    public string GroupName { get; init; } = string.Empty;

    /// <summary>Modification time (UTC).</summary>
    public DateTimeOffset ModificationTime { get; init; }

    /// <summary>Content size of a regular file; 0 for other kinds.</summary>
    public long Size { get; init; }

    /// <summary>Symlink text, or the archive name of the hard-link target; null for other kinds.</summary>
    public string? LinkTarget { get; init; }

    /// <summary>Device major number (devices only).</summary>
    public int DeviceMajor { get; init; }

    /// <summary>Device minor number (devices only).</summary>
    public int DeviceMinor { get; init; }

    /// <summary>
    /// Extended attributes from pax <c>SCHILY.xattr.*</c> records, keyed by attribute name; the values are the raw
    /// bytes (binary values such as <c>security.capability</c> included).
    /// </summary>
    public IReadOnlyDictionary<string, ReadOnlyMemory<byte>> ExtendedAttributes { get; init; } = NoAttributes;

    /// <summary>The normalised relative path (<c>usr/bin/ls</c>; empty for the root <c>./</c>); see <see cref="DebTarPath"/>.</summary>
    public string Path => DebTarPath.Normalize(Name);

    /// <summary>The full mode: file-type bits plus <see cref="Permissions"/>.</summary>
    public uint Mode => Permissions | Type switch
    {
        DebTarEntryType.Directory => 0x4000u,
        DebTarEntryType.SymbolicLink => 0xA000u,
        DebTarEntryType.CharacterDevice => 0x2000u,
        DebTarEntryType.BlockDevice => 0x6000u,
        DebTarEntryType.Fifo => 0x1000u,
        _ => 0x8000u,
    };
}
