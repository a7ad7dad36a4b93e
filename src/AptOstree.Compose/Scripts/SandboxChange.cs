using AptOstree.Posix;

namespace AptOstree.Compose;

/// <summary>
/// One change the commands run in a <see cref="ScriptSandbox"/> made to the tree, as seen from inside the sandbox:
/// owner and group are the ids the commands saw (what a run as root produces, also when the sandbox ran
/// unprivileged), extended attributes exclude overlayfs's own.
/// </summary>
public sealed record SandboxChange
{
    private static readonly IReadOnlyDictionary<string, ReadOnlyMemory<byte>> NoAttributes = new Dictionary<string, ReadOnlyMemory<byte>>(StringComparer.Ordinal);

    /// <summary>The path relative to the tree's root, without a leading slash (<c>etc/passwd</c>; empty for the root itself).</summary>
    public required string Path { get; init; }

    /// <summary>Written or deleted.</summary>
    public required SandboxChangeKind Kind { get; init; }

    /// <summary>The entry's type (<see cref="PosixFileType.Unknown"/> for a deletion).</summary>
    public PosixFileType Type { get; init; }

    /// <summary>Permission bits including setuid, setgid and sticky (07777).</summary>
    public uint Permissions { get; init; }

    /// <summary>Owner id inside the sandbox.</summary>
    public uint Uid { get; init; }

    /// <summary>Group id inside the sandbox.</summary>
    public uint Gid { get; init; }

    /// <summary>Content length of a regular file; 0 otherwise.</summary>
    public long Size { get; init; }

    /// <summary>A symbolic link's target text; null otherwise.</summary>
    public string? LinkTarget { get; init; }

    /// <summary>Modification time.</summary>
    public DateTimeOffset ModificationTime { get; init; }

    /// <summary>
    /// Extended attributes (raw values), without storage bookkeeping: overlayfs's <c>user.overlay.*</c>/<c>trusted.overlay.*</c>
    /// and OSTree's <c>user.ostreemeta</c> (which a copy-up brings along from a bare-user checkout's file).
    /// </summary>
    public IReadOnlyDictionary<string, ReadOnlyMemory<byte>> ExtendedAttributes { get; init; } = NoAttributes;

    /// <summary>
    /// For a written directory: true when it replaces the lower tree's directory of that path wholesale (an opaque
    /// overlay directory: the lower directory was deleted and made anew), so none of the lower entries beneath it remain.
    /// </summary>
    public bool IsOpaque { get; init; }

    /// <summary>True when the lower tree has an entry at this path (the change modifies, replaces or deletes it).</summary>
    public bool ExistsInLower { get; init; }

    /// <summary>
    /// For a written entry: true when it is new, or its type, owner, group or permission bits differ from the lower
    /// entry's as the commands saw it, i.e. a command set them. False when only the content was rewritten (in place
    /// or by replacing the file, as <c>adduser</c> does with <c>/etc/shadow</c>): keep the lower entry's metadata from
    /// its commit then, because a bare-user hard-link checkout shows every file to the commands as owned by root
    /// with its on-disk mode, whatever owner the commit records.
    /// </summary>
    public bool MetadataChanged { get; init; }

    /// <summary>The full <c>st_mode</c>: <see cref="Type"/> bits plus <see cref="Permissions"/>.</summary>
    public uint Mode => (uint)Type | Permissions;
}
