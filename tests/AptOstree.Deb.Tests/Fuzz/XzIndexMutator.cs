using System.Buffers.Binary;

namespace AptOstree.Deb.Tests.Fuzz;

/// <summary>
/// Mutates the index of one stream of a (multi-stream) xz file — record sizes, record count, the footer's backward
/// size, the check type — and recomputes every CRC32 it touches, so the mutation gets past the integrity checks to the
/// code that trusts the index: the block-parallel decoder's planning and the sequential decoder.
/// </summary>
internal static class XzIndexMutator
{
    private const int StreamHeaderSize = 12;

    private static readonly long[] InterestingSizes = [0, 1, 4, 5, 12, 65536, int.MaxValue, (long)int.MaxValue + 1, 1L << 40, long.MaxValue / 2, long.MaxValue];

    public static Mutation Mutate(Random random, byte[] xz)
    {
        var streams = Streams(xz);
        var (streamOffset, indexOffset, footerOffset, records) = streams[random.Next(streams.Count)];
        var what = string.Empty;
        var flags = BinaryPrimitives.ReadUInt16LittleEndian(xz.AsSpan(footerOffset + 8));
        var backwardDelta = 0;
        switch (random.Next(6))
        {
            case 0:
            case 1:
            {
                var i = random.Next(records.Count);
                var (unpadded, uncompressed) = records[i];
                var value = random.Next(2) == 0 ? InterestingSizes[random.Next(InterestingSizes.Length)] : Math.Max(0, (random.Next(2) == 0 ? unpadded : uncompressed) + random.Next(-8, 9));
                var field = random.Next(2) == 0 ? "unpadded" : "uncompressed";
                records[i] = field == "unpadded" ? (value, uncompressed) : (unpadded, value);
                what = $"record {i} {field} = {value}";
                break;
            }

            case 2:
                records.Add(records[random.Next(records.Count)]);
                what = "record duplicated";
                break;
            case 3:
                records.RemoveAt(random.Next(records.Count));
                what = "record removed";
                break;
            case 4:
                backwardDelta = random.Next(2) == 0 ? -1 : 1;
                what = $"backward size {backwardDelta:+0;-0}";
                break;
            default:
                flags = (ushort)(random.Next(16) << 8);
                what = $"check type {flags >> 8} in header and footer";
                break;
        }

        var index = EncodeIndex(records);
        var output = new MemoryStream();
        output.Write(xz, 0, streamOffset);
        var header = xz.AsSpan(streamOffset, StreamHeaderSize).ToArray();
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(6), flags);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(8), XzIndexReader.Crc32(header.AsSpan(6, 2)));
        output.Write(header);
        output.Write(xz, streamOffset + StreamHeaderSize, indexOffset - streamOffset - StreamHeaderSize);
        output.Write(index);
        var footer = new byte[StreamHeaderSize];
        BinaryPrimitives.WriteUInt32LittleEndian(footer.AsSpan(4), (uint)((index.Length / 4) - 1 + backwardDelta));
        BinaryPrimitives.WriteUInt16LittleEndian(footer.AsSpan(8), flags);
        footer[10] = (byte)'Y';
        footer[11] = (byte)'Z';
        BinaryPrimitives.WriteUInt32LittleEndian(footer, XzIndexReader.Crc32(footer.AsSpan(4, 6)));
        output.Write(footer);
        output.Write(xz, footerOffset + StreamHeaderSize, xz.Length - footerOffset - StreamHeaderSize);
        return new Mutation(output.ToArray(), $"stream at {streamOffset}: {what}");
    }

    /// <summary>The streams of <paramref name="xz"/> (no padding between them), last first, with their index records.</summary>
    private static List<(int StreamOffset, int IndexOffset, int FooterOffset, List<(long Unpadded, long Uncompressed)> Records)> Streams(byte[] xz)
    {
        var result = new List<(int, int, int, List<(long, long)>)>();
        var end = xz.Length;
        while (end > 0)
        {
            var footerOffset = end - StreamHeaderSize;
            var indexSize = (int)((BinaryPrimitives.ReadUInt32LittleEndian(xz.AsSpan(footerOffset + 4)) + 1) * 4);
            var indexOffset = footerOffset - indexSize;
            var at = indexOffset + 1;
            var count = ReadVarint(xz, ref at);
            var records = new List<(long, long)>();
            long blocks = 0;
            for (var i = 0; i < count; i++)
            {
                var unpadded = ReadVarint(xz, ref at);
                records.Add((unpadded, ReadVarint(xz, ref at)));
                blocks += (unpadded + 3) & ~3L;
            }

            var streamOffset = (int)(indexOffset - blocks - StreamHeaderSize);
            result.Add((streamOffset, indexOffset, footerOffset, records));
            end = streamOffset;
        }

        return result;
    }

    private static byte[] EncodeIndex(List<(long Unpadded, long Uncompressed)> records)
    {
        var ms = new MemoryStream();
        ms.WriteByte(0);
        WriteVarint(ms, records.Count);
        foreach (var (unpadded, uncompressed) in records)
        {
            WriteVarint(ms, unpadded);
            WriteVarint(ms, uncompressed);
        }

        while (ms.Length % 4 != 0)
        {
            ms.WriteByte(0);
        }

        var crc = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(crc, XzIndexReader.Crc32(ms.ToArray()));
        ms.Write(crc);
        return ms.ToArray();
    }

    private static long ReadVarint(byte[] data, ref int at)
    {
        long value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = data[at++];
            value |= (long)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return value;
            }
        }
    }

    private static void WriteVarint(Stream stream, long value)
    {
        var v = (ulong)value;
        while (v >= 0x80)
        {
            stream.WriteByte((byte)(v | 0x80));
            v >>= 7;
        }

        stream.WriteByte((byte)v);
    }
}
