using System.Formats.Tar;

namespace AptOstree.Deb;

/// <summary>
/// Forward-only reader of the tar stream inside a .deb member (GNU and ustar, also pax as GNU tar accepts it),
/// built on System.Formats.Tar. Each entry's <see cref="DataStream"/> is valid only until the next call to
/// <see cref="GetNextEntry"/>. Malformed tar throws <see cref="InvalidFormatException"/>.
/// </summary>
public sealed class DebTarReader : IDisposable
{
    private readonly TarReader reader;
    private readonly TarHeaderChecksumStream headerStream;
    private readonly Stream tarStream;
    private readonly bool leaveOpen;
    private readonly string sourceName;
    private readonly string memberName;
    private int index;
    private string? previousName;
    private Stream? dataStream;

    /// <summary>Creates a reader over a decompressed tar stream.</summary>
    /// <param name="tarStream">The tar bytes (already decompressed).</param>
    /// <param name="leaveOpen">True to leave <paramref name="tarStream"/> open on dispose.</param>
    /// <param name="sourceName">File name for messages.</param>
    /// <param name="memberName">Member name for messages (e.g. <c>data.tar.xz</c>).</param>
    public DebTarReader(Stream tarStream, bool leaveOpen = false, string? sourceName = null, string? memberName = null)
    {
        ArgumentNullException.ThrowIfNull(tarStream);
        this.sourceName = sourceName ?? "<stream>";
        this.memberName = memberName ?? "<tar>";
        headerStream = new TarHeaderChecksumStream(tarStream, this.sourceName, this.memberName);
        reader = new TarReader(headerStream, leaveOpen: false);
        this.leaveOpen = leaveOpen;
        this.tarStream = tarStream;
    }

    /// <summary>The content of the current regular-file entry, or null; valid until the next entry.</summary>
    public Stream? DataStream => dataStream;

    /// <summary>Reads the next entry; null at the end of the archive.</summary>
    public DebTarEntry? GetNextEntry()
    {
        while (true)
        {
            TarEntry? entry;
            try
            {
                entry = reader.GetNextEntry(copyData: false);
            }
            catch (Exception ex) when (ex is InvalidDataException or EndOfStreamException or FormatException or ArgumentException or OverflowException or InvalidOperationException or IOException && ex is not AptOstreeException)
            {
                throw new InvalidFormatException(
                    DebErrorCodes.InvalidTar,
                    $"{sourceName}: invalid tar data in member '{memberName}' at entry #{index + 1}{(previousName is null ? string.Empty : $" (after '{previousName}')")}: {ex.Message}",
                    ex,
                    sourceName,
                    $"{memberName}#{index + 1}");
            }
            catch (NotSupportedException ex)
            {
                // System.Formats.Tar refuses some type flags (GNU sparse 'S') while reading the header; dpkg refuses them too.
                throw new InvalidFormatException(
                    DebErrorCodes.UnsupportedTarEntry,
                    $"{sourceName}: tar entry #{index + 1} in member '{memberName}'{(previousName is null ? string.Empty : $" (after '{previousName}')")} is not supported: {ex.Message}",
                    ex,
                    sourceName,
                    $"{memberName}#{index + 1}");
            }

            if (entry is null)
            {
                dataStream = null;
                return null;
            }

            index++;
            if (entry.EntryType == TarEntryType.GlobalExtendedAttributes)
            {
                continue;
            }

            var mapped = Map(entry);
            previousName = mapped.Name;
            dataStream = mapped.Type == DebTarEntryType.RegularFile ? entry.DataStream ?? Stream.Null : null;
            return mapped;
        }
    }

    /// <summary>Enumerates the remaining entries (metadata only; data is skipped).</summary>
    public IEnumerable<DebTarEntry> EnumerateEntries()
    {
        while (GetNextEntry() is { } entry)
        {
            yield return entry;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        reader.Dispose();
        if (!leaveOpen)
        {
            tarStream.Dispose();
        }
    }

    private DebTarEntry Map(TarEntry entry)
    {
        var type = entry.EntryType switch
        {
            TarEntryType.V7RegularFile or TarEntryType.RegularFile or TarEntryType.ContiguousFile => DebTarEntryType.RegularFile,
            TarEntryType.HardLink => DebTarEntryType.HardLink,
            TarEntryType.SymbolicLink => DebTarEntryType.SymbolicLink,
            TarEntryType.CharacterDevice => DebTarEntryType.CharacterDevice,
            TarEntryType.BlockDevice => DebTarEntryType.BlockDevice,
            TarEntryType.Directory => DebTarEntryType.Directory,
            TarEntryType.Fifo => DebTarEntryType.Fifo,
            _ => throw new InvalidFormatException(
                DebErrorCodes.UnsupportedTarEntry,
                $"{sourceName}: tar entry '{entry.Name}' in member '{memberName}' has type '{(char)entry.EntryType}' ({entry.EntryType}), which dpkg does not handle.",
                source: sourceName,
                location: $"{memberName}:{entry.Name}"),
        };

        if (entry.Name.Length == 0)
        {
            throw new InvalidFormatException(
                DebErrorCodes.InvalidTar,
                $"{sourceName}: tar entry #{index} in member '{memberName}' has an empty name.",
                source: sourceName,
                location: $"{memberName}#{index}");
        }

        if (type is DebTarEntryType.HardLink or DebTarEntryType.SymbolicLink && string.IsNullOrEmpty(entry.LinkName))
        {
            throw new InvalidFormatException(
                DebErrorCodes.InvalidTar,
                $"{sourceName}: link entry '{entry.Name}' in member '{memberName}' has an empty link target.",
                source: sourceName,
                location: $"{memberName}:{entry.Name}");
        }

        var posix = entry as PosixTarEntry;
        // The xattr values come from the raw pax records (bytes), which the header stream takes out for us.
        var xattrs = headerStream.EntryExtendedAttributes;

        var result = new DebTarEntry
        {
            Name = entry.Name,
            Type = type,
            Permissions = (uint)entry.Mode & 0xFFF,
            Uid = entry.Uid,
            Gid = entry.Gid,
            UserName = posix?.UserName ?? string.Empty,
            GroupName = posix?.GroupName ?? string.Empty,
            ModificationTime = entry.ModificationTime,
            Size = type == DebTarEntryType.RegularFile ? entry.Length : 0,
            LinkTarget = type is DebTarEntryType.HardLink or DebTarEntryType.SymbolicLink ? entry.LinkName : null,
            DeviceMajor = type is DebTarEntryType.CharacterDevice or DebTarEntryType.BlockDevice ? posix?.DeviceMajor ?? 0 : 0,
            DeviceMinor = type is DebTarEntryType.CharacterDevice or DebTarEntryType.BlockDevice ? posix?.DeviceMinor ?? 0 : 0,
        };
        return xattrs is null ? result : result with { ExtendedAttributes = xattrs };
    }
}
