using System.Buffers;
using System.Text;

namespace AptOstree;

/// <summary>
/// Forward-only reader of a tar stream (ustar, GNU and pax, as GNU tar and dpkg read them) that keeps names, link
/// targets and extended-attribute values as the archive's bytes. Every header checksum is verified; GNU long names
/// and pax <c>path</c>/<c>linkpath</c>/<c>size</c>/owner/<c>mtime</c>/<c>SCHILY.xattr.*</c> records are applied, global pax
/// headers as defaults. Each entry's <see cref="TarArchiveEntry.DataStream"/> is valid only until the next call to
/// <see cref="GetNextEntry"/>. Malformed tar throws <see cref="InvalidFormatException"/> naming the source, the
/// member and the entry.
/// </summary>
public sealed class TarArchiveReader : IDisposable
{
    private const int Block = 512;

    /// <summary>GNU long names and pax headers larger than this are refused (an xattr value is at most 64 KiB on Linux).</summary>
    private const int MaxMetadataLength = 1 << 20;

    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly string _sourceName;
    private readonly string _memberName;
    private readonly string _inMember;
    private readonly byte[] _header = new byte[Block];
    private PaxRecords? _global;
    private EntryDataStream? _current;
    private long _position;
    private int _index;
    private string? _previousName;
    private bool _ended;

    /// <summary>Creates a reader over an (uncompressed) tar stream.</summary>
    /// <param name="stream">The tar bytes.</param>
    /// <param name="leaveOpen">True to leave <paramref name="stream"/> open on dispose.</param>
    /// <param name="sourceName">File name for messages.</param>
    /// <param name="memberName">Member name for messages (e.g. <c>data.tar.xz</c>).</param>
    public TarArchiveReader(Stream stream, bool leaveOpen = false, string? sourceName = null, string? memberName = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _stream = stream;
        _leaveOpen = leaveOpen;
        _sourceName = sourceName ?? "<stream>";
        _memberName = memberName ?? "tar";
        _inMember = memberName is null ? string.Empty : $"in member '{memberName}'";
    }

    /// <summary>Bytes of the tar stream consumed so far (headers, data and padding).</summary>
    public long Position => _position;

    /// <summary>The content of the current regular-file entry, or null; valid until the next entry.</summary>
    public Stream? DataStream => _current;

    /// <summary>Reads the next entry; null at the end of the archive.</summary>
    /// <exception cref="InvalidFormatException">The archive is malformed or holds an entry type that is not handled.</exception>
    public TarArchiveEntry? GetNextEntry()
    {
        if (_ended)
        {
            return null;
        }

        SkipCurrent();
        byte[]? longName = null;
        byte[]? longLink = null;
        PaxRecords? pax = null;
        while (true)
        {
            var headerAt = _position;
            var got = ReadFully(_header);
            if (got == 0 || (got == Block && !_header.AsSpan().ContainsAnyExcept((byte)0)))
            {
                // End of archive: an all-zero block (or, as GNU tar tolerates with a warning, the end of the stream).
                if (longName is not null || longLink is not null || pax is not null)
                {
                    throw Invalid($"the archive ends after a {(pax is null ? "GNU long-name" : "pax")} header without the entry it describes", headerAt);
                }

                _ended = true;
                _current = null;
                return null;
            }

            if (got < Block)
            {
                throw Invalid($"truncated tar header ({got} of {Block} bytes)", headerAt);
            }

            VerifyChecksum(headerAt);
            var type = _header[156];
            var size = ParseNumber(_header.AsSpan(124, 12), "size", headerAt);
            switch (type)
            {
                case (byte)'L':
                    longName = ReadMetadata(size, headerAt, "GNU long name");
                    longName = longName.AsSpan(0, NulTerminatedLength(longName)).ToArray();
                    continue;
                case (byte)'K':
                    longLink = ReadMetadata(size, headerAt, "GNU long link");
                    longLink = longLink.AsSpan(0, NulTerminatedLength(longLink)).ToArray();
                    continue;
                case (byte)'x':
                    pax = PaxRecords.Parse(ReadMetadata(size, headerAt, "pax extended header"), _sourceName, Location(headerAt), pax ?? _global?.Clone());
                    continue;
                case (byte)'g':
                    _global = PaxRecords.Parse(ReadMetadata(size, headerAt, "pax global header"), _sourceName, Location(headerAt), _global);
                    _index++;
                    continue;
            }

            _index++;
            var entry = MapEntry(type, size, longName, longLink, pax ?? _global, headerAt);
            _previousName = entry.EscapedName;
            return entry;
        }
    }

    /// <summary>Enumerates the remaining entries; each one's content is readable until the enumeration moves on.</summary>
    public IEnumerable<TarArchiveEntry> EnumerateEntries()
    {
        while (GetNextEntry() is { } entry)
        {
            yield return entry;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_current is not null)
        {
            _current.Detach();
            _current = null;
        }

        if (!_leaveOpen)
        {
            _stream.Dispose();
        }
    }

    private static int NulTerminatedLength(ReadOnlySpan<byte> field)
    {
        var nul = field.IndexOf((byte)0);
        return nul < 0 ? field.Length : nul;
    }

    private static long Padded(long size) => (size + Block - 1) / Block * Block;

    private TarArchiveEntry MapEntry(byte typeFlag, long headerSize, byte[]? longName, byte[]? longLink, PaxRecords? pax, long headerAt)
    {
        var h = _header.AsSpan();
        var posix = h.Slice(257, 6).SequenceEqual("ustar\0"u8);
        var ustarFamily = posix || h.Slice(257, 8).SequenceEqual("ustar  \0"u8);
        byte[] name;
        if (pax?.Path is { } paxPath)
        {
            name = paxPath;
        }
        else if (longName is not null)
        {
            name = longName;
        }
        else
        {
            var field = h[..100];
            var own = field[..NulTerminatedLength(field)];
            var prefixField = h.Slice(345, 155);
            var prefix = posix ? prefixField[..NulTerminatedLength(prefixField)] : [];
            name = prefix.IsEmpty ? own.ToArray() : [.. prefix, (byte)'/', .. own];
        }

        var type = typeFlag switch
        {
            (byte)'0' or 0 or (byte)'7' => name.Length > 0 && name[^1] == (byte)'/' ? TarArchiveEntryType.Directory : TarArchiveEntryType.RegularFile,
            (byte)'1' => TarArchiveEntryType.HardLink,
            (byte)'2' => TarArchiveEntryType.SymbolicLink,
            (byte)'3' => TarArchiveEntryType.CharacterDevice,
            (byte)'4' => TarArchiveEntryType.BlockDevice,
            (byte)'5' => TarArchiveEntryType.Directory,
            (byte)'6' => TarArchiveEntryType.Fifo,
            _ => throw Unsupported(typeFlag, name, headerAt),
        };

        if (pax?.Sparse == true)
        {
            throw new InvalidFormatException(
                CoreErrorCodes.UnsupportedTarEntry,
                $"{_sourceName}: tar entry '{TarPath.Escape(name)}'{Space(_inMember)}is a GNU sparse file (pax GNU.sparse records), which is not supported.",
                source: _sourceName,
                location: $"{_memberName}:{TarPath.Escape(name)}");
        }

        if (name.Length == 0)
        {
            throw Invalid("the entry has an empty name", headerAt);
        }

        byte[] linkTarget = [];
        if (type is TarArchiveEntryType.HardLink or TarArchiveEntryType.SymbolicLink)
        {
            var field = h.Slice(157, 100);
            linkTarget = pax?.LinkPath ?? longLink ?? field[..NulTerminatedLength(field)].ToArray();
            if (linkTarget.Length == 0)
            {
                throw new InvalidFormatException(
                    CoreErrorCodes.InvalidTar,
                    $"{_sourceName}: link entry '{TarPath.Escape(name)}'{Space(_inMember)}has an empty link target.",
                    source: _sourceName,
                    location: $"{_memberName}:{TarPath.Escape(name)}");
            }
        }

        var size = pax?.Size ?? headerSize;
        var hasData = type == TarArchiveEntryType.RegularFile;
        var device = type is TarArchiveEntryType.CharacterDevice or TarArchiveEntryType.BlockDevice && ustarFamily;
        _current = hasData ? new EntryDataStream(this, size, name) : null;
        if (!hasData && typeFlag is not ((byte)'1' or (byte)'2' or (byte)'3' or (byte)'4' or (byte)'5' or (byte)'6'))
        {
            // A directory written as a regular type with a trailing '/' (old tars) may still carry data blocks.
            SkipBytes(Padded(size));
        }

        return new TarArchiveEntry
        {
            NameBytes = name,
            Type = type,
            Permissions = (uint)(ParseNumber(h.Slice(100, 8), "mode", headerAt) & 0xFFF),
            Uid = Id(pax?.Uid ?? ParseNumber(h.Slice(108, 8), "uid", headerAt), "uid", headerAt),
            Gid = Id(pax?.Gid ?? ParseNumber(h.Slice(116, 8), "gid", headerAt), "gid", headerAt),
            UserName = pax?.UserName ?? (ustarFamily ? Text(h.Slice(265, 32)) : string.Empty),
            GroupName = pax?.GroupName ?? (ustarFamily ? Text(h.Slice(297, 32)) : string.Empty),
            ModificationTime = pax?.ModificationTime ?? Seconds(ParseNumber(h.Slice(136, 12), "mtime", headerAt), headerAt),
            Size = hasData ? size : 0,
            LinkTargetBytes = linkTarget,
            DeviceMajor = device ? Id(ParseNumber(h.Slice(329, 8), "devmajor", headerAt), "devmajor", headerAt) : 0,
            DeviceMinor = device ? Id(ParseNumber(h.Slice(337, 8), "devminor", headerAt), "devminor", headerAt) : 0,
            ExtendedAttributes = pax?.Attributes is { Count: > 0 } attributes ? attributes : new Dictionary<string, ReadOnlyMemory<byte>>(),
            DataStream = _current ?? Stream.Null,
        };
    }

    private static string Text(ReadOnlySpan<byte> field) => Encoding.UTF8.GetString(field[..NulTerminatedLength(field)]);

    private DateTimeOffset Seconds(long seconds, long headerAt) =>
        seconds is >= -62135596800 and <= 253402300799
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : throw Invalid($"the mtime {seconds} is out of range", headerAt);

    private int Id(long value, string field, long headerAt) =>
        value is >= 0 and <= int.MaxValue ? (int)value : throw Invalid($"the {field} field {value} is out of range", headerAt);

    /// <summary>Octal digits (spaces and NULs around them allowed) or GNU's base-256 form (first byte 0x80 or 0xFF).</summary>
    private long ParseNumber(ReadOnlySpan<byte> field, string what, long headerAt)
    {
        if ((field[0] & 0x80) != 0)
        {
            if (field[0] == 0xFF)
            {
                throw Invalid($"the base-256 {what} field is negative", headerAt);
            }

            long v = field[0] & 0x7F;
            foreach (var b in field[1..])
            {
                if ((v >> 55) != 0)
                {
                    throw Invalid($"the base-256 {what} field is too large", headerAt);
                }

                v = (v << 8) | b;
            }

            return v;
        }

        long value = 0;
        var i = 0;
        while (i < field.Length && field[i] == (byte)' ')
        {
            i++;
        }

        for (; i < field.Length && field[i] is >= (byte)'0' and <= (byte)'7'; i++)
        {
            value = (value * 8) + (field[i] - '0');
        }

        if (i < field.Length && field[i..].ContainsAnyExcept((byte)' ', (byte)0))
        {
            throw Invalid($"the {what} field '{Encoding.ASCII.GetString(field).TrimEnd('\0')}' is not an octal number", headerAt);
        }

        return value;
    }

    private void VerifyChecksum(long headerAt)
    {
        var stored = ParseNumber(_header.AsSpan(148, 8), "checksum", headerAt);
        long unsigned = 0;
        long signed = 0;
        for (var k = 0; k < Block; k++)
        {
            var b = k is >= 148 and < 156 ? (byte)' ' : _header[k];
            unsigned += b;
            signed += (sbyte)b;
        }

        if (stored != unsigned && stored != signed)
        {
            throw Invalid("invalid tar header checksum", headerAt);
        }
    }

    private byte[] ReadMetadata(long size, long headerAt, string what)
    {
        if (size > MaxMetadataLength)
        {
            throw Invalid($"the {what} is {size} bytes, more than the {MaxMetadataLength} accepted", headerAt);
        }

        var data = new byte[size];
        if (ReadFully(data) < size)
        {
            throw Invalid($"the {what} is truncated", headerAt);
        }

        SkipBytes(Padded(size) - size);
        return data;
    }

    private int ReadFully(Span<byte> buffer)
    {
        var got = _stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        _position += got;
        return got;
    }

    private void SkipCurrent()
    {
        if (_current is null)
        {
            return;
        }

        var remaining = _current.Remaining;
        var padding = Padded(_current.Length) - _current.Length;
        _current.Detach();
        _current = null;
        if (remaining > 0 && SkipBytes(remaining) < remaining)
        {
            throw new InvalidFormatException(
                CoreErrorCodes.InvalidTar,
                $"{_sourceName}: tar data of '{_previousName}'{Space(_inMember)}is truncated.",
                source: _sourceName,
                location: $"{_memberName}:{_previousName}");
        }

        SkipBytes(padding);
    }

    private long SkipBytes(long count)
    {
        if (count <= 0)
        {
            return 0;
        }

        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(count, 1 << 16));
        try
        {
            long skipped = 0;
            while (skipped < count)
            {
                var n = _stream.Read(buffer, 0, (int)Math.Min(buffer.Length, count - skipped));
                if (n == 0)
                {
                    break;
                }

                skipped += n;
                _position += n;
            }

            return skipped;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static string Space(string text) => text.Length == 0 ? " " : " " + text + " ";

    private string Location(long headerAt) => $"{_memberName}@{headerAt}";

    private InvalidFormatException Invalid(string what, long headerAt) =>
        new(
            CoreErrorCodes.InvalidTar,
            $"{_sourceName}: invalid tar data{(_inMember.Length == 0 ? string.Empty : " " + _inMember)} at offset {headerAt} (entry #{_index + 1}{(_previousName is null ? string.Empty : $", after '{_previousName}'")}): {what}.",
            source: _sourceName,
            location: Location(headerAt));

    private InvalidFormatException Unsupported(byte typeFlag, ReadOnlySpan<byte> name, long headerAt)
    {
        var kind = typeFlag switch
        {
            (byte)'S' => "a GNU sparse file",
            (byte)'M' => "a GNU multi-volume continuation",
            (byte)'N' => "an old GNU long-name entry",
            (byte)'D' => "a GNU dump directory",
            (byte)'V' => "a GNU volume label",
            _ => "of a kind dpkg and libostree do not handle",
        };
        var printable = typeFlag is >= 0x20 and < 0x7F ? $"'{(char)typeFlag}'" : $"0x{typeFlag:x2}";
        return new InvalidFormatException(
            CoreErrorCodes.UnsupportedTarEntry,
            $"{_sourceName}: tar entry '{TarPath.Escape(name)}'{Space(_inMember)}at offset {headerAt} has type {printable}, {kind}; it is not supported.",
            source: _sourceName,
            location: $"{_memberName}@{headerAt}");
    }

    /// <summary>The content of the current entry: at most its size, read straight from the tar stream.</summary>
    private sealed class EntryDataStream : ForwardOnlyReadStream
    {
        private readonly long _length;
        private readonly byte[] _name;
        private TarArchiveReader? _owner;
        private long _read;

        public EntryDataStream(TarArchiveReader owner, long length, byte[] name)
        {
            _owner = owner;
            _length = length;
            _name = name;
        }

        public override long Length => _length;

        public override long Position
        {
            get => _read;
            set => throw new NotSupportedException();
        }

        public long Remaining => _length - _read;

        public void Detach() => _owner = null;

        public override int Read(Span<byte> buffer)
        {
            if (_owner is not { } owner || _read >= _length || buffer.IsEmpty)
            {
                return 0;
            }

            var n = owner._stream.Read(buffer[..(int)Math.Min(buffer.Length, _length - _read)]);
            if (n == 0)
            {
                throw new InvalidFormatException(
                    CoreErrorCodes.InvalidTar,
                    $"{owner._sourceName}: tar data of '{TarPath.Escape(_name)}'{Space(owner._inMember)}is truncated: {_read} of {_length} bytes.",
                    source: owner._sourceName,
                    location: $"{owner._memberName}:{TarPath.Escape(_name)}");
            }

            _read += n;
            owner._position += n;
            return n;
        }
    }
}
