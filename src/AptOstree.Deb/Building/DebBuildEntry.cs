using AptOstree.Posix;

namespace AptOstree.Deb;

/// <summary>One entry for the data archive of a package being built.</summary>
public sealed record DebBuildEntry
{
    /// <summary>Path relative to the root, e.g. <c>usr/bin/hello</c> (a leading <c>./</c> or <c>/</c> is accepted).</summary>
    public required string Path { get; init; }

    /// <summary>The entry kind.</summary>
    public required TarArchiveEntryType Type { get; init; }

    /// <summary>Permission bits including setuid/setgid/sticky.</summary>
    public uint Permissions { get; init; } = PosixPermissions.File;

    /// <summary>Owner id.</summary>
    public int Uid { get; init; }

    /// <summary>Group id.</summary>
    public int Gid { get; init; }

    /// <summary>Owner name.</summary>
    public string UserName { get; init; } = "root";

    /// <summary>Group name.</summary>
    public string GroupName { get; init; } = "root";

    /// <summary>Modification time; the builder's timestamp when null. Later times are clamped to it.</summary>
    public DateTimeOffset? ModificationTime { get; init; }

    /// <summary>Symlink text, or the path of the hard-link target.</summary>
    public string? LinkTarget { get; init; }

    /// <summary>Device major number.</summary>
    public int DeviceMajor { get; init; }

    /// <summary>Device minor number.</summary>
    public int DeviceMinor { get; init; }

    /// <summary>In-memory content of a regular file.</summary>
    public ReadOnlyMemory<byte> Content { get; init; }

    /// <summary>A file on disk to take the content from instead of <see cref="Content"/>.</summary>
    public string? SourcePath { get; init; }

    /// <summary>
    /// Extended attributes by name, values as raw bytes; written as a pax extended header (<c>SCHILY.xattr.*</c>
    /// records, as GNU tar writes them) in front of the entry. Empty by default, and then no pax header is written.
    /// Accepted only when <see cref="DebBuilder.AllowExtendedAttributes"/> is set: dpkg cannot install such a package.
    /// </summary>
    public IReadOnlyDictionary<string, ReadOnlyMemory<byte>> ExtendedAttributes { get; init; } = new Dictionary<string, ReadOnlyMemory<byte>>();
}
