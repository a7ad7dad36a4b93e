namespace AptOstree.Deb.Tar;

/// <summary>
/// Pass-through stream that follows the tar block structure as the bytes go by and verifies every header's
/// checksum (System.Formats.Tar does not; dpkg and GNU tar do). A header's size field says how many data
/// blocks follow; an all-zero block ends the checking.
/// </summary>
internal sealed class TarHeaderChecksumStream : AptOstree.IO.ForwardOnlyReadStream
{
    private const int Block = 512;
    private readonly Stream inner;
    private readonly string sourceName;
    private readonly string memberName;
    private readonly byte[] header = new byte[Block];
    private long position;
    private long nextHeader;
    private int headerFill;
    private bool done;

    public TarHeaderChecksumStream(Stream inner, string sourceName, string memberName)
    {
        this.inner = inner;
        this.sourceName = sourceName;
        this.memberName = memberName;
    }

    public override long Position
    {
        get => position;
        set => throw new NotSupportedException();
    }

    public override int Read(Span<byte> buffer)
    {
        var n = inner.Read(buffer);
        if (!done)
        {
            Inspect(buffer[..n]);
        }

        position += n;
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

    private void Inspect(ReadOnlySpan<byte> data)
    {
        var pos = position;
        var i = 0;
        while (i < data.Length && !done)
        {
            var absolute = pos + i;
            if (absolute < nextHeader)
            {
                var skip = (int)Math.Min(data.Length - i, nextHeader - absolute);
                i += skip;
                continue;
            }

            var take = Math.Min(Block - headerFill, data.Length - i);
            data.Slice(i, take).CopyTo(header.AsSpan(headerFill));
            headerFill += take;
            i += take;
            if (headerFill == Block)
            {
                CheckHeader(nextHeader);
                headerFill = 0;
            }
        }
    }

    private void CheckHeader(long at)
    {
        var h = header.AsSpan();
        if (!h.ContainsAnyExcept((byte)0))
        {
            done = true;
            return;
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
                $"{sourceName}: invalid tar header checksum in member '{memberName}' at offset {at}.",
                source: sourceName,
                location: $"{memberName}@{at}");
        }

        var size = ParseNumber(h.Slice(124, 12));
        if (size < 0)
        {
            throw new InvalidFormatException(
                DebErrorCodes.InvalidTar,
                $"{sourceName}: invalid size field in the tar header of member '{memberName}' at offset {at}.",
                source: sourceName,
                location: $"{memberName}@{at}");
        }

        var type = h[156];
        var hasData = type is not ((byte)'1' or (byte)'2' or (byte)'3' or (byte)'4' or (byte)'5' or (byte)'6');
        nextHeader = at + Block + (hasData ? (size + Block - 1) / Block * Block : 0);
    }
}
