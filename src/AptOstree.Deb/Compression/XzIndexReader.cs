using System.Buffers.Binary;

namespace AptOstree.Deb;

/// <summary>
/// Reads the block layout of a seekable xz file from its end: for each stream (last first) the stream footer,
/// the index it points back to and the stream header, with their CRC32s, skipping stream padding between and
/// after streams. Anything inconsistent throws <see cref="InvalidDataException"/> naming the offset.
/// </summary>
internal static unsafe class XzIndexReader
{
    public const int StreamHeaderSize = 12;
    private static ReadOnlySpan<byte> HeaderMagic => [0xFD, (byte)'7', (byte)'z', (byte)'X', (byte)'Z', 0x00];

    /// <summary>
    /// The blocks of all streams in file order, or null when the index is larger than
    /// <paramref name="maxIndexBytes"/> (the caller then decodes sequentially).
    /// </summary>
    public static List<XzBlock>? Read(RandomAccessSource source, int maxIndexBytes = 1 << 20)
    {
        var length = source.Length;
        if (length % 4 != 0)
        {
            throw new InvalidDataException($"xz: the data ends at offset {length}, which is not a multiple of four (truncated, or garbage after the last stream)");
        }

        var streams = new List<List<XzBlock>>();
        var position = length;
        Span<byte> word = stackalloc byte[12];
        while (position > 0)
        {
            if (position < 2 * StreamHeaderSize)
            {
                throw new InvalidDataException($"xz: {position} bytes before offset {position} are too few for a stream");
            }

            source.ReadExactly(position - 4, word[..4]);
            if (BinaryPrimitives.ReadUInt32LittleEndian(word) == 0)
            {
                position -= 4;
                continue;
            }

            var footerOffset = position - StreamHeaderSize;
            source.ReadExactly(footerOffset, word);
            if (word[10] != (byte)'Y' || word[11] != (byte)'Z')
            {
                throw new InvalidDataException($"xz: no stream footer at offset {footerOffset}");
            }

            if (Crc32(word.Slice(4, 6)) != BinaryPrimitives.ReadUInt32LittleEndian(word))
            {
                throw new InvalidDataException($"xz: stream footer CRC32 mismatch at offset {footerOffset}");
            }

            var flags = BinaryPrimitives.ReadUInt16LittleEndian(word[8..]);
            if ((flags & 0xF0FF) != 0)
            {
                throw new InvalidDataException($"xz: unsupported stream flags 0x{flags:x4} at offset {footerOffset + 8}");
            }

            var check = (uint)(flags >> 8);
            var indexSize = ((long)BinaryPrimitives.ReadUInt32LittleEndian(word[4..]) + 1) * 4;
            var indexOffset = footerOffset - indexSize;
            if (indexOffset < StreamHeaderSize)
            {
                throw new InvalidDataException($"xz: index size {indexSize} in the stream footer at offset {footerOffset} points before the start of the file");
            }

            if (indexSize > maxIndexBytes)
            {
                return null;
            }

            var index = new byte[indexSize];
            source.ReadExactly(indexOffset, index);
            var records = ParseIndex(index, indexOffset);
            long blocksSize = 0;
            foreach (var (unpadded, _) in records)
            {
                blocksSize += (unpadded + 3) & ~3L;
                if (blocksSize > indexOffset)
                {
                    break;
                }
            }

            var streamOffset = indexOffset - blocksSize - StreamHeaderSize;
            if (streamOffset < 0)
            {
                throw new InvalidDataException($"xz: the index at offset {indexOffset} lists {blocksSize} bytes of blocks, more than precede it");
            }

            source.ReadExactly(streamOffset, word);
            if (!word[..6].SequenceEqual(HeaderMagic))
            {
                throw new InvalidDataException($"xz: no stream header at offset {streamOffset} where the index at offset {indexOffset} puts it");
            }

            if (Crc32(word.Slice(6, 2)) != BinaryPrimitives.ReadUInt32LittleEndian(word[8..]))
            {
                throw new InvalidDataException($"xz: stream header CRC32 mismatch at offset {streamOffset}");
            }

            if (BinaryPrimitives.ReadUInt16LittleEndian(word[6..]) != flags)
            {
                throw new InvalidDataException($"xz: stream flags at offset {streamOffset + 6} differ from the stream footer's at offset {footerOffset + 8}");
            }

            var blocks = new List<XzBlock>(records.Count);
            var blockOffset = streamOffset + StreamHeaderSize;
            foreach (var (unpadded, uncompressed) in records)
            {
                blocks.Add(new XzBlock(blockOffset, unpadded, uncompressed, 0, check));
                blockOffset += (unpadded + 3) & ~3L;
            }

            streams.Add(blocks);
            position = streamOffset;
        }

        var all = new List<XzBlock>();
        long decoded = 0;
        for (var s = streams.Count - 1; s >= 0; s--)
        {
            foreach (var block in streams[s])
            {
                all.Add(block with { UncompressedOffset = decoded });
                if (block.UncompressedSize > long.MaxValue - decoded)
                {
                    throw new InvalidDataException($"xz: the uncompressed sizes in the index of the stream at offset {streams[s][0].Offset - StreamHeaderSize} add up to more than 2^63 bytes");
                }

                decoded += block.UncompressedSize;
            }
        }

        return all;
    }

    public static uint Crc32(ReadOnlySpan<byte> data)
    {
        fixed (byte* p = data)
        {
            return LibLzma.Crc32(p, (nuint)data.Length, 0);
        }
    }

    private static List<(long Unpadded, long Uncompressed)> ParseIndex(byte[] index, long indexOffset)
    {
        if (index[0] != 0)
        {
            throw new InvalidDataException($"xz: no index indicator at offset {indexOffset}");
        }

        var crcAt = index.Length - 4;
        if (Crc32(index.AsSpan(0, crcAt)) != BinaryPrimitives.ReadUInt32LittleEndian(index.AsSpan(crcAt)))
        {
            throw new InvalidDataException($"xz: index CRC32 mismatch (index at offset {indexOffset})");
        }

        var at = 1;
        var count = ReadVarint(index, ref at, crcAt, indexOffset);
        if (count > (crcAt - at) / 2)
        {
            throw new InvalidDataException($"xz: index at offset {indexOffset} claims {count} records, more than fit in it");
        }

        var records = new List<(long, long)>((int)count);
        for (long i = 0; i < count; i++)
        {
            var unpadded = ReadVarint(index, ref at, crcAt, indexOffset);
            var uncompressed = ReadVarint(index, ref at, crcAt, indexOffset);
            if (unpadded < 5 || unpadded > long.MaxValue / 2)
            {
                throw new InvalidDataException($"xz: invalid unpadded size {unpadded} in index record {i} (index at offset {indexOffset})");
            }

            records.Add((unpadded, uncompressed));
        }

        if (((at + 3) & ~3) != crcAt)
        {
            throw new InvalidDataException($"xz: index at offset {indexOffset} has {crcAt - at} bytes after its records instead of padding");
        }

        for (; at < crcAt; at++)
        {
            if (index[at] != 0)
            {
                throw new InvalidDataException($"xz: non-zero index padding at offset {indexOffset + at}");
            }
        }

        return records;
    }

    private static long ReadVarint(byte[] buffer, ref int at, int end, long baseOffset)
    {
        ulong value = 0;
        for (var shift = 0; shift < 63; shift += 7)
        {
            if (at >= end)
            {
                throw new InvalidDataException($"xz: index ends inside a number at offset {baseOffset + at}");
            }

            var b = buffer[at++];
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                if (b == 0 && shift > 0)
                {
                    throw new InvalidDataException($"xz: non-minimal number encoding in the index at offset {baseOffset + at - 1}");
                }

                return (long)value;
            }
        }

        throw new InvalidDataException($"xz: number too large in the index at offset {baseOffset + at}");
    }
}
