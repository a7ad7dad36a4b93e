namespace AptOstree;

/// <summary>
/// One entry of a tar archive, exactly as recorded: the name and link target as the archive's bytes (with lossy
/// string views for display), type, permissions, owner, times, device numbers and the raw bytes of pax
/// <c>SCHILY.xattr.*</c> extended attributes. A regular file's content is <see cref="DataStream"/>, readable until
/// the reader moves to the next entry.
/// </summary>
public sealed class TarArchiveEntry
{
    private static readonly IReadOnlyDictionary<string, ReadOnlyMemory<byte>> NoAttributes = new Dictionary<string, ReadOnlyMemory<byte>>();
    private string? _name;
    private string? _path;
    private string? _linkTarget;
    private ReadOnlyMemory<byte>? _pathBytes;

    /// <summary>The name as the archive's bytes, e.g. <c>./usr/bin/ls</c> or <c>./usr/</c>; file names need not be UTF-8.</summary>
    public required ReadOnlyMemory<byte> NameBytes { get; init; }

    /// <summary>
    /// <see cref="NameBytes"/> decoded as UTF-8 for display and messages; bytes that are not UTF-8 become U+FFFD, so two
    /// different names may look alike here. Use <see cref="NameBytes"/> or <see cref="PathBytes"/> to tell files apart.
    /// </summary>
    public string Name => _name ??= TarPath.ToDisplayString(NameBytes.Span);

    /// <summary>True when <see cref="NameBytes"/> and <see cref="LinkTargetBytes"/> are valid UTF-8.</summary>
    public bool HasUtf8Names => TarPath.IsValidUtf8(NameBytes.Span) && TarPath.IsValidUtf8(LinkTargetBytes.Span);

    /// <summary>The normalised relative path as bytes (<c>usr/bin/ls</c>; empty for the root <c>./</c>); see <see cref="TarPath.Normalize(ReadOnlySpan{byte})"/>.</summary>
    public ReadOnlyMemory<byte> PathBytes => _pathBytes ??= TarPath.Normalize(NameBytes.Span);

    /// <summary>The normalised relative path (<c>usr/bin/ls</c>; empty for the root <c>./</c>), decoded like <see cref="Name"/>.</summary>
    public string Path => _path ??= TarPath.ToDisplayString(PathBytes.Span);

    /// <summary>The entry kind.</summary>
    public required TarArchiveEntryType Type { get; init; }

    /// <summary>Permission bits including setuid, setgid and sticky (07777).</summary>
    public required uint Permissions { get; init; }

    /// <summary>The full mode: file-type bits plus <see cref="Permissions"/> (a hard link counts as a regular file).</summary>
    public uint Mode => Permissions | Type switch
    {
        TarArchiveEntryType.Directory => (uint)Posix.PosixFileType.Directory,
        TarArchiveEntryType.SymbolicLink => (uint)Posix.PosixFileType.SymbolicLink,
        TarArchiveEntryType.CharacterDevice => (uint)Posix.PosixFileType.CharacterDevice,
        TarArchiveEntryType.BlockDevice => (uint)Posix.PosixFileType.BlockDevice,
        TarArchiveEntryType.Fifo => (uint)Posix.PosixFileType.Fifo,
        _ => (uint)Posix.PosixFileType.RegularFile,
    };

    /// <summary>Numeric owner id.</summary>
    public int Uid { get; init; }

    /// <summary>Numeric group id.</summary>
    public int Gid { get; init; }

    /// <summary>Owner name (may be empty).</summary>
    public string UserName { get; init; } = string.Empty;

    /// <summary>Group name (may be empty).</summary>
    public string GroupName { get; init; } = string.Empty;

    /// <summary>Modification time (UTC; sub-second when a pax <c>mtime</c> record gave one).</summary>
    public DateTimeOffset ModificationTime { get; init; }

    /// <summary>Content size of a regular file; 0 for other kinds.</summary>
    public long Size { get; init; }

    /// <summary>Symlink text, or the archive name of the hard-link target, as bytes; empty for other kinds.</summary>
    public ReadOnlyMemory<byte> LinkTargetBytes { get; init; }

    /// <summary><see cref="LinkTargetBytes"/> decoded like <see cref="Name"/>; null for entries that are not links.</summary>
    public string? LinkTarget => Type is TarArchiveEntryType.HardLink or TarArchiveEntryType.SymbolicLink
        ? _linkTarget ??= TarPath.ToDisplayString(LinkTargetBytes.Span)
        : null;

    /// <summary>Device major number (devices only).</summary>
    public int DeviceMajor { get; init; }

    /// <summary>Device minor number (devices only).</summary>
    public int DeviceMinor { get; init; }

    /// <summary>
    /// Extended attributes from pax <c>SCHILY.xattr.*</c> records, keyed by attribute name; the values are the raw
    /// bytes (binary values such as <c>security.capability</c> included).
    /// </summary>
    public IReadOnlyDictionary<string, ReadOnlyMemory<byte>> ExtendedAttributes { get; init; } = NoAttributes;

    /// <summary>
    /// The content of a regular file while the reader is on this entry (<see cref="Stream.Null"/> after it moved on,
    /// and for other kinds). Reading less than <see cref="Size"/> is fine: the reader skips the rest.
    /// </summary>
    public Stream DataStream { get; init; } = Stream.Null;

    /// <summary>The name with bytes that are not printable UTF-8 written as <c>\ooo</c> octal escapes, for messages.</summary>
    public string EscapedName => TarPath.Escape(NameBytes.Span);

    /// <inheritdoc />
    public override string ToString() => $"{Type} {EscapedName}";
}
