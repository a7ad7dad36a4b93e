using System.Formats.Tar;

namespace AptOstree.Deb;

/// <summary>
/// Forward-only reader of the tar stream inside a .deb member (GNU and ustar, also pax as GNU tar accepts it),
/// built on System.Formats.Tar. Each entry's <see cref="DataStream"/> is valid only until the next call to
/// <see cref="GetNextEntry"/>. Malformed tar throws <see cref="InvalidFormatException"/>.
/// </summary>
public sealed class DebTarReader : IDisposable
{
    private readonly TarReader _reader;
    private readonly TarHeaderChecksumStream _headerStream;
    private readonly Stream _tarStream;
    private readonly bool _leaveOpen;
    private readonly string _sourceName;
    private readonly string _memberName;
    private int _index;
    private string? _previousName;
    private Stream? _dataStream;

    /// <summary>Creates a reader over a decompressed tar stream.</summary>
    /// <param name="tarStream">The tar bytes (already decompressed).</param>
    /// <param name="leaveOpen">True to leave <paramref name="tarStream"/> open on dispose.</param>
    /// <param name="sourceName">File name for messages.</param>
    /// <param name="memberName">Member name for messages (e.g. <c>data.tar.xz</c>).</param>
    public DebTarReader(Stream tarStream, bool leaveOpen = false, string? sourceName = null, string? memberName = null)
    {
        ArgumentNullException.ThrowIfNull(tarStream);
        this._sourceName = sourceName ?? "<stream>";
        this._memberName = memberName ?? "<tar>";
        _headerStream = new TarHeaderChecksumStream(tarStream, this._sourceName, this._memberName);
        _reader = new TarReader(_headerStream, leaveOpen: false);
        this._leaveOpen = leaveOpen;
        this._tarStream = tarStream;
    }

    /// <summary>The content of the current regular-file entry, or null; valid until the next entry.</summary>
    public Stream? DataStream => _dataStream;

    /// <summary>Reads the next entry; null at the end of the archive.</summary>
    public DebTarEntry? GetNextEntry()
    {
        while (true)
        {
            TarEntry? entry;
            try
            {
                entry = _reader.GetNextEntry(copyData: false);
            }
            catch (Exception ex) when (ex is InvalidDataException or EndOfStreamException or FormatException or ArgumentException or OverflowException or InvalidOperationException or IOException && ex is not AptOstreeException)
            {
                throw new InvalidFormatException(
                    DebErrorCodes.InvalidTar,
                    $"{_sourceName}: invalid tar data in member '{_memberName}' at entry #{_index + 1}{(_previousName is null ? string.Empty : $" (after '{_previousName}')")}: {ex.Message}",
                    ex,
                    _sourceName,
                    $"{_memberName}#{_index + 1}");
            }
            catch (NotSupportedException ex)
            {
                // System.Formats.Tar refuses some type flags (GNU sparse 'S') while reading the header; dpkg refuses them too.
                throw new InvalidFormatException(
                    DebErrorCodes.UnsupportedTarEntry,
                    $"{_sourceName}: tar entry #{_index + 1} in member '{_memberName}'{(_previousName is null ? string.Empty : $" (after '{_previousName}')")} is not supported: {ex.Message}",
                    ex,
                    _sourceName,
                    $"{_memberName}#{_index + 1}");
            }

            if (entry is null)
            {
                _dataStream = null;
                return null;
            }

            _index++;
            if (entry.EntryType == TarEntryType.GlobalExtendedAttributes)
            {
                continue;
            }

            var mapped = Map(entry);
            _previousName = mapped.Name;
            _dataStream = mapped.Type == DebTarEntryType.RegularFile ? entry.DataStream ?? Stream.Null : null;
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
        _reader.Dispose();
        if (!_leaveOpen)
        {
            _tarStream.Dispose();
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
                $"{_sourceName}: tar entry '{entry.Name}' in member '{_memberName}' has type '{(char)entry.EntryType}' ({entry.EntryType}), which dpkg does not handle.",
                source: _sourceName,
                location: $"{_memberName}:{entry.Name}"),
        };

        if (entry.Name.Length == 0)
        {
            throw new InvalidFormatException(
                DebErrorCodes.InvalidTar,
                $"{_sourceName}: tar entry #{_index} in member '{_memberName}' has an empty name.",
                source: _sourceName,
                location: $"{_memberName}#{_index}");
        }

        if (type is DebTarEntryType.HardLink or DebTarEntryType.SymbolicLink && string.IsNullOrEmpty(entry.LinkName))
        {
            throw new InvalidFormatException(
                DebErrorCodes.InvalidTar,
                $"{_sourceName}: link entry '{entry.Name}' in member '{_memberName}' has an empty link target.",
                source: _sourceName,
                location: $"{_memberName}:{entry.Name}");
        }

        var posix = entry as PosixTarEntry;
        // The xattr values come from the raw pax records (bytes), which the header stream takes out for us.
        var xattrs = _headerStream.EntryExtendedAttributes;

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
