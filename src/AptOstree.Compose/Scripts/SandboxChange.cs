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

    /// <summary>Extended attributes (raw values), overlayfs's <c>user.overlay.*</c>/<c>trusted.overlay.*</c> excluded.</summary>
    public IReadOnlyDictionary<string, ReadOnlyMemory<byte>> ExtendedAttributes { get; init; } = NoAttributes;

    /// <summary>
    /// For a written directory: true when it replaces the lower tree's directory of that path wholesale (an opaque
    /// overlay directory: the lower directory was deleted and made anew), so none of the lower entries beneath it remain.
    /// </summary>
    public bool IsOpaque { get; init; }

    /// <summary>True when the lower tree has an entry at this path (the change modifies, replaces or deletes it).</summary>
    public bool ExistsInLower { get; init; }

    /// <summary>The full <c>st_mode</c>: <see cref="Type"/> bits plus <see cref="Permissions"/>.</summary>
    public uint Mode => (uint)Type | Permissions;
}
