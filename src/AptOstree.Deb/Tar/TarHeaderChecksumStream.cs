namespace AptOstree.Deb;

/// <summary>
/// Stream between the decompressed tar bytes and System.Formats.Tar that follows the tar block structure:
/// it verifies every header's checksum (System.Formats.Tar does not; dpkg and GNU tar do), and it takes the
/// <c>SCHILY.xattr.*</c> records out of pax extended headers (<see cref="EntryExtendedAttributes"/>), rewriting
/// the header without them. Their values are raw bytes: System.Formats.Tar would decode them as UTF-8 and, since
/// it splits records at newlines instead of using their lengths, rejects a value that contains a newline byte.
/// A header's size field says how many data blocks follow; an all-zero block ends the inspection.
/// </summary>
internal sealed class TarHeaderChecksumStream : AptOstree.ForwardOnlyReadStream
{
    private const int Block = 512;

    /// <summary>Pax extended headers larger than this are rejected (an xattr value is at most 64 KiB on Linux).</summary>
    private const int MaxPaxRecordsLength = 1 << 20;

    private readonly Stream _inner;
    private readonly string _sourceName;
    private readonly string _memberName;
    private readonly byte[] _header = new byte[Block];
    private long _inputPosition;
    private long _outputPosition;
    private long _nextHeader;
    private byte[] _pending = [];
    private int _pendingOffset;
    private Dictionary<string, ReadOnlyMemory<byte>>? _pendingAttributes;
    private bool _done;

    public TarHeaderChecksumStream(Stream inner, string sourceName, string memberName)
    {
        this._inner = inner;
        this._sourceName = sourceName;
        this._memberName = memberName;
    }

    /// <summary>
    /// The attributes of the pax extended header (<c>typeflag 'x'</c>) in front of the entry header passed on last,
    /// or null. System.Formats.Tar reads exactly up to an entry's header before returning the entry, so after
    /// <c>GetNextEntry</c> these belong to the entry it returned.
    /// </summary>
    public IReadOnlyDictionary<string, ReadOnlyMemory<byte>>? EntryExtendedAttributes { get; private set; }

    public override long Position
    {
        get => _outputPosition;
        set => throw new NotSupportedException();
    }

    public override int Read(Span<byte> buffer)
    {
        if (buffer.IsEmpty)
        {
            return 0;
        }

        if (_pendingOffset == _pending.Length && !_done && _inputPosition == _nextHeader)
        {
            var got = _inner.ReadAtLeast(_header, Block, throwOnEndOfStream: false);
            _inputPosition += got;
            _pending = got == Block ? NextHeader() : _header[..got];
            _pendingOffset = 0;
        }

        int n;
        if (_pendingOffset < _pending.Length)
        {
            n = Math.Min(buffer.Length, _pending.Length - _pendingOffset);
            _pending.AsSpan(_pendingOffset, n).CopyTo(buffer);
            _pendingOffset += n;
        }
        else
        {
            var limit = _done ? buffer.Length : (int)Math.Min(buffer.Length, _nextHeader - _inputPosition);
            n = _inner.Read(buffer[..limit]);
            _inputPosition += n;
        }

        _outputPosition += n;
        return n;
    }

    private static long ParseNumber(ReadOnlySpan<byte> field)
    {
        if ((field[0] & 0x80) != 0)
        {
            long v = field[0] & 0x7F;
            for (var i = 1; i < field.Length; i++)
            {
                v = (v << 8) | field[i];
            }

            return v;
        }

        long value = 0;
        foreach (var c in field)
        {
            if (c is (byte)' ' or 0)
            {
                if (value != 0)
                {
                    break;
                }

                continue;
            }

            if (c is < (byte)'0' or > (byte)'7')
            {
                return -1;
            }

            value = (value * 8) + (c - '0');
        }

        return value;
    }

    private static void WriteChecksum(Span<byte> block)
    {
        "        "u8.CopyTo(block[148..]);
        var sum = 0;
        foreach (var b in block)
        {
            sum += b;
        }

        var digits = Convert.ToString(sum, 8).PadLeft(6, '0');
        System.Text.Encoding.ASCII.GetBytes(digits, block[148..]);
        block[154] = 0;
    }

    /// <summary>Checks the header just read and returns the bytes to pass on in its place.</summary>
    private byte[] NextHeader()
    {
        var at = _inputPosition - Block;
        var h = _header.AsSpan();
        if (!h.ContainsAnyExcept((byte)0))
        {
            _done = true;
            return (byte[])_header.Clone();
        }

        var stored = ParseNumber(h.Slice(148, 8));
        long unsigned = 0;
        long signed = 0;
        for (var k = 0; k < Block; k++)
        {
            var b = k is >= 148 and < 156 ? (byte)' ' : h[k];
            unsigned += b;
            signed += (sbyte)b;
        }

        if (stored != unsigned && stored != signed)
        {
            throw new InvalidFormatException(
                DebErrorCodes.InvalidTar,
                $"{_sourceName}: invalid tar header checksum in member '{_memberName}' at offset {at}.",
                source: _sourceName,
                location: $"{_memberName}@{at}");
        }

        var size = ParseNumber(h.Slice(124, 12));
        if (size < 0)
        {
            throw new InvalidFormatException(
                DebErrorCodes.InvalidTar,
                $"{_sourceName}: invalid size field in the tar header of member '{_memberName}' at offset {at}.",
                source: _sourceName,
                location: $"{_memberName}@{at}");
        }

        var type = h[156];
        var hasData = type is not ((byte)'1' or (byte)'2' or (byte)'3' or (byte)'4' or (byte)'5' or (byte)'6');
        _nextHeader = _inputPosition + (hasData ? (size + Block - 1) / Block * Block : 0);
        switch (type)
        {
            case (byte)'x':
                return WithoutAttributes(size, at);
            case (byte)'g' or (byte)'L' or (byte)'K':
                // Between an 'x' header and the entry it describes, GNU long-name and global headers may come.
                break;
            default:
                EntryExtendedAttributes = _pendingAttributes;
                _pendingAttributes = null;
                break;
        }

        return (byte[])_header.Clone();
    }

    /// <summary>Reads an 'x' header's records, keeps its attributes, and returns the header rewritten without them.</summary>
    private byte[] WithoutAttributes(long size, long at)
    {
        if (size > MaxPaxRecordsLength)
        {
            throw new InvalidFormatException(
                DebErrorCodes.InvalidTar,
                $"{_sourceName}: the pax extended header in member '{_memberName}' at offset {at} is {size} bytes, more than the {MaxPaxRecordsLength} accepted.",
                source: _sourceName,
                location: $"{_memberName}@{at}");
        }

        var padded = (int)((size + Block - 1) / Block * Block);
        var data = new byte[padded];
        var got = _inner.ReadAtLeast(data, padded, throwOnEndOfStream: false);
        _inputPosition += got;
        if (got < padded)
        {
            // Truncated: pass on what there is and let System.Formats.Tar report it.
            return [.. _header, .. data.AsSpan(0, got)];
        }

        var records = data.AsMemory(0, (int)size);
        var location = $"{_memberName}@{at}";
        _pendingAttributes = PaxXattrRecords.Parse(records, _sourceName, location);
        if (_pendingAttributes is null)
        {
            return [.. _header, .. data];
        }

        var others = PaxXattrRecords.WithoutAttributes(records.Span, _sourceName, location);
        var rewritten = new byte[Block + ((others.Length + Block - 1) / Block * Block)];
        _header.CopyTo(rewritten, 0);
        System.Text.Encoding.ASCII.GetBytes(Convert.ToString(others.Length, 8).PadLeft(11, '0'), rewritten.AsSpan(124));
        rewritten[135] = 0;
        WriteChecksum(rewritten.AsSpan(0, Block));
        others.CopyTo(rewritten.AsSpan(Block));
        return rewritten;
    }
}
