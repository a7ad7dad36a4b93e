using System.Buffers.Binary;
using System.Runtime.InteropServices;
using AptOstree.Deb.Tests.Archive;
using AptOstree.Testing;

namespace AptOstree.Deb.Tests.Compression;

/// <summary>
/// The parallel xz block decoder against <c>xz -dc</c> as the oracle: multi-block files written by <c>xz -T2</c>
/// with every check type, tiny and empty blocks, stream padding and concatenated streams, under budgets that force
/// the workers to wait; corrupt and truncated input must raise our exception naming the offset.
/// </summary>
public sealed class ParallelXzDecoderTests
{
    private static readonly byte[] Sample = MakeSample(700_000);

    public static TheoryData<string, int> Encodings => new()
    {
        { "crc64", 65536 },
        { "crc32", 65536 },
        { "sha256", 100_000 },
        { "none", 65536 },
        { "crc64", 4096 },
        { "crc64", 333 },
        { "crc32", 1 << 20 },
    };

    [SkippableTheory]
    [MemberData(nameof(Encodings))]
    public void Output_equals_xz_dc(string check, int blockSize)
    {
        var compressed = Xz(Sample, "-T2", $"--block-size={blockSize}", $"--check={check}");
        var expected = DebArchiveReaderTests.Pipe("xz", ["-dc"], compressed);
        Assert.Equal(Sample, expected);
        foreach (var (threads, ahead, chunk) in new[] { (2, 8L << 20, 1 << 18), (2, 0L, 4096), (3, 10_000L, 1000), (4, 1L << 30, 65536) })
        {
            Assert.Equal(expected, DecodeParallel(compressed, threads, ahead, chunk));
        }
    }

    [SkippableFact]
    public void Concatenated_streams_with_padding_and_an_empty_stream_equal_xz_dc()
    {
        var first = Xz(Sample.AsSpan(0, 300_000).ToArray(), "-T2", "--block-size=50000", "--check=crc32");
        var empty = Xz([], "--check=sha256");
        var second = Xz(Sample.AsSpan(300_000).ToArray(), "-T2", "--block-size=70000", "--check=sha256");
        byte[] compressed = [.. first, .. new byte[8], .. empty, .. second, .. new byte[4]];
        var expected = DebArchiveReaderTests.Pipe("xz", ["-dc"], compressed);
        Assert.Equal(Sample, expected);
        Assert.Equal(expected, DecodeParallel(compressed, 2, 20_000, 8192));
    }

    [SkippableFact]
    public void Empty_blocks_equal_xz_dc()
    {
        var parts = new[] { Sample.AsSpan(0, 200_000).ToArray(), Sample.AsSpan(200_000, 100_000).ToArray() };
        var blocks = new List<(byte[] Block, long Unpadded, long Uncompressed)>();
        foreach (var part in parts)
        {
            blocks.AddRange(BlocksOf(Xz(part, "-T2", "--block-size=30000", "--check=crc64")));
            blocks.Add(EmptyCrc64Block());
        }

        blocks.Insert(0, EmptyCrc64Block());
        var compressed = BuildStream(blocks, checkId: 4);
        var expected = DebArchiveReaderTests.Pipe("xz", ["-dc"], compressed);
        Assert.Equal(Sample.AsSpan(0, 300_000).ToArray(), expected);
        Assert.Equal(expected, DecodeParallel(compressed, 2, 16_384, 4096));
    }

    [SkippableFact]
    public void Flipped_byte_in_a_block_throws_our_exception_after_the_blocks_before_it()
    {
        var compressed = Xz(Sample, "-T2", "--block-size=100000");
        var second = BlocksOf(compressed)[0].Unpadded;
        var secondOffset = 12 + ((second + 3) & ~3L);
        compressed[secondOffset + 200] ^= 0x40;
        Assert.NotEqual(0, ExitCodeOfXzTest(compressed));

        using var stream = OpenParallel(compressed, 2, 1 << 20, 1 << 16);
        var output = new MemoryStream();
        var ex = Assert.Throws<InvalidFormatException>(() => stream.CopyTo(output));
        Assert.Equal(DebErrorCodes.CorruptCompressedData, ex.ErrorCode);
        Assert.Contains("data.tar.xz", ex.Message);
        Assert.Contains("xz block 1 at compressed offset", ex.Message);
        Assert.True(output.Length >= 100_000, $"only {output.Length} bytes came out before the error");
        Assert.Equal(Sample.AsSpan(0, (int)output.Length).ToArray(), output.ToArray());
    }

    [SkippableFact]
    public void Flipped_check_byte_is_detected()
    {
        var compressed = Xz(Sample, "-T2", "--block-size=100000", "--check=sha256");
        var first = BlocksOf(compressed)[0].Unpadded;
        compressed[12 + first - 1] ^= 0x01;
        Assert.NotEqual(0, ExitCodeOfXzTest(compressed));
        var ex = Assert.Throws<InvalidFormatException>(() => DecodeParallel(compressed, 2, 1 << 20, 1 << 16));
        Assert.Equal(DebErrorCodes.CorruptCompressedData, ex.ErrorCode);
        Assert.Contains("xz block 0", ex.Message);
    }

    [SkippableFact]
    public void Flipped_byte_in_the_index_throws_our_exception_naming_the_index_offset()
    {
        var compressed = Xz(Sample, "-T2", "--block-size=100000");
        var backward = BinaryPrimitives.ReadUInt32LittleEndian(compressed.AsSpan(compressed.Length - 8));
        var indexOffset = compressed.Length - 12 - ((backward + 1) * 4);
        compressed[indexOffset + 3] ^= 0x01;
        var ex = Assert.Throws<InvalidFormatException>(() => DecodeParallel(compressed, 2, 1 << 20, 1 << 16));
        Assert.Equal(DebErrorCodes.CorruptCompressedData, ex.ErrorCode);
        Assert.Contains($"index at offset {indexOffset}", ex.Message);
    }

    [SkippableTheory]
    [InlineData(4)]
    [InlineData(1000)]
    [InlineData(13)]
    public void Truncated_file_throws_our_exception(int cut)
    {
        var compressed = Xz(Sample, "-T2", "--block-size=100000");
        var ex = Assert.Throws<InvalidFormatException>(() => DecodeParallel(compressed[..^cut], 2, 1 << 20, 1 << 16));
        Assert.Equal(DebErrorCodes.CorruptCompressedData, ex.ErrorCode);
        Assert.Contains("offset", ex.Message);
    }

    [SkippableFact]
    public void Index_that_disagrees_with_a_block_header_is_rejected()
    {
        var blocks = BlocksOf(Xz(Sample, "-T2", "--block-size=100000"));
        blocks[2] = blocks[2] with { Uncompressed = blocks[2].Uncompressed + 1 };
        var compressed = BuildStream(blocks, checkId: 4);
        Assert.NotEqual(0, ExitCodeOfXzTest(compressed));
        var ex = Assert.Throws<InvalidFormatException>(() => DecodeParallel(compressed, 2, 1 << 20, 1 << 16));
        Assert.Contains("xz block 2", ex.Message);
    }

    [SkippableFact]
    public void Ratio_limit_stops_a_multi_block_bomb()
    {
        var compressed = Xz(new byte[16 * 1024 * 1024], "-T2", "--block-size=1MiB");
        var limits = DecompressionLimits.Default with { RatioGracePeriodBytes = 1024 * 1024, MaxExpansionRatio = 100 };
        var source = RandomAccessSource.Create(new MemoryStream(compressed), 0, compressed.Length);
        using var stream = DebDecompressor.TryOpenParallelXz(source, limits, "test.deb", "data.tar.xz")!;
        Assert.NotNull(stream);
        var ex = Assert.Throws<InvalidFormatException>(() => stream.CopyTo(Stream.Null));
        Assert.Equal(DebErrorCodes.DecompressionLimitExceeded, ex.ErrorCode);
    }

    [SkippableFact]
    public void Single_block_and_single_thread_fall_back_to_the_streaming_decoder()
    {
        var single = Xz(Sample, "-6");
        Assert.Null(DebDecompressor.TryOpenParallelXz(RandomAccessSource.Create(new MemoryStream(single), 0, single.Length), null, "t", "data.tar.xz"));
        var multi = Xz(Sample, "-T2", "--block-size=100000");
        var oneThread = new XzDecodingOptions { Threads = 1 };
        Assert.Null(DebDecompressor.TryOpenParallelXz(RandomAccessSource.Create(new MemoryStream(multi), 0, multi.Length), null, "t", "data.tar.xz", oneThread));
        using var twoThreads = DebDecompressor.TryOpenParallelXz(RandomAccessSource.Create(new MemoryStream(multi), 0, multi.Length), null, "t", "data.tar.xz", new XzDecodingOptions { Threads = 2 });
        Assert.NotNull(twoThreads);
        Assert.Throws<ArgumentOutOfRangeException>(() => new XzDecodingOptions { Threads = 0 });
    }

    [Fact]
    public void Block_struct_matches_the_C_layout()
    {
        Skip.IfNot(Environment.Is64BitProcess);
        Assert.Equal(208, Marshal.SizeOf<LibLzma.LzmaBlock>());
        Assert.Equal(32, (int)Marshal.OffsetOf<LibLzma.LzmaBlock>(nameof(LibLzma.LzmaBlock.Filters)));
        Assert.Equal(200, (int)Marshal.OffsetOf<LibLzma.LzmaBlock>(nameof(LibLzma.LzmaBlock.IgnoreCheck)));
    }

    [SkippableFact]
    public void Disposing_midway_stops_the_workers()
    {
        var compressed = Xz(Sample, "-T2", "--block-size=20000");
        for (var i = 0; i < 20; i++)
        {
            using var stream = OpenParallel(compressed, 3, 4096, 1024);
            var buffer = new byte[5000 * i + 1];
            stream.ReadExactly(buffer);
            Assert.Equal(Sample.AsSpan(0, buffer.Length).ToArray(), buffer);
        }
    }

    private static int ExitCodeOfXzTest(byte[] compressed)
    {
        ExternalTool.Require("xz");
        using var temp = new TempDirectory("xz-test-");
        var path = temp.Combine("input.xz");
        File.WriteAllBytes(path, compressed);
        return ExternalTool.Run("xz", ["-t", path]).ExitCode;
    }

    private static byte[] Xz(byte[] data, params string[] args) => DebArchiveReaderTests.Pipe("xz", ["-c", .. args], data);

    private static Stream OpenParallel(byte[] compressed, int threads, long ahead, int chunk)
    {
        var source = RandomAccessSource.Create(new MemoryStream(compressed), 0, compressed.Length);
        List<XzBlock> blocks;
        try
        {
            blocks = XzIndexReader.Read(source)!;
        }
        catch (InvalidDataException ex)
        {
            throw new InvalidFormatException(DebErrorCodes.CorruptCompressedData, $"test.deb: data.tar.xz: {ex.Message}", ex);
        }

        var decoder = new ParallelXzDecoderStream(source, blocks, threads, ahead, chunk);
        return new DecompressionGuardStream(decoder, () => decoder.CompressedPosition, DebCompression.Xz, DecompressionLimits.Default, "test.deb", "data.tar.xz", DebErrorCodes.CorruptCompressedData);
    }

    private static byte[] DecodeParallel(byte[] compressed, int threads, long ahead, int chunk)
    {
        using var stream = OpenParallel(compressed, threads, ahead, chunk);
        var output = new MemoryStream();
        var buffer = new byte[7777];
        int n;
        while ((n = stream.Read(buffer)) > 0)
        {
            output.Write(buffer, 0, n);
        }

        return output.ToArray();
    }

    /// <summary>The blocks of a single-stream xz file, from its index (read here independently of the decoder).</summary>
    private static List<(byte[] Block, long Unpadded, long Uncompressed)> BlocksOf(byte[] xz)
    {
        var backward = BinaryPrimitives.ReadUInt32LittleEndian(xz.AsSpan(xz.Length - 8));
        var at = (int)(xz.Length - 12 - ((backward + 1) * 4)) + 1;
        var count = Varint(xz, ref at);
        var offset = 12L;
        var result = new List<(byte[], long, long)>();
        for (var i = 0; i < count; i++)
        {
            var unpadded = Varint(xz, ref at);
            var uncompressed = Varint(xz, ref at);
            var padded = (unpadded + 3) & ~3L;
            result.Add((xz.AsSpan((int)offset, (int)padded).ToArray(), unpadded, uncompressed));
            offset += padded;
        }

        return result;
    }

    /// <summary>A block with no data: one-filter LZMA2 header, the LZMA2 end marker, padding, CRC64 of nothing (zero).</summary>
    private static (byte[] Block, long Unpadded, long Uncompressed) EmptyCrc64Block()
    {
        var header = new byte[12];
        header[0] = 2;
        header[1] = 0;
        header[2] = 0x21;
        header[3] = 1;
        header[4] = 0x16;
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(8), XzIndexReader.Crc32(header.AsSpan(0, 8)));
        byte[] block = [.. header, 0x00, 0, 0, 0, .. new byte[8]];
        return (block, 12 + 1 + 8, 0);
    }

    private static byte[] BuildStream(List<(byte[] Block, long Unpadded, long Uncompressed)> blocks, byte checkId)
    {
        var output = new MemoryStream();
        byte[] flags = [0, checkId];
        output.Write([0xFD, (byte)'7', (byte)'z', (byte)'X', (byte)'Z', 0]);
        output.Write(flags);
        output.Write(LittleEndian(XzIndexReader.Crc32(flags)));
        var index = new MemoryStream();
        index.WriteByte(0);
        WriteVarint(index, (ulong)blocks.Count);
        foreach (var (block, unpadded, uncompressed) in blocks)
        {
            output.Write(block);
            WriteVarint(index, (ulong)unpadded);
            WriteVarint(index, (ulong)uncompressed);
        }

        while (index.Length % 4 != 0)
        {
            index.WriteByte(0);
        }

        var indexBytes = index.ToArray();
        output.Write(indexBytes);
        output.Write(LittleEndian(XzIndexReader.Crc32(indexBytes)));
        var footer = new byte[6];
        BinaryPrimitives.WriteUInt32LittleEndian(footer, (uint)((indexBytes.Length + 4) / 4) - 1);
        footer[4] = 0;
        footer[5] = checkId;
        output.Write(LittleEndian(XzIndexReader.Crc32(footer)));
        output.Write(footer);
        output.Write("YZ"u8);
        return output.ToArray();
    }

    private static byte[] LittleEndian(uint value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        return bytes;
    }

    private static void WriteVarint(Stream s, ulong value)
    {
        while (value >= 0x80)
        {
            s.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }

        s.WriteByte((byte)value);
    }

    private static long Varint(byte[] b, ref int at)
    {
        long value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var x = b[at++];
            value |= (long)(x & 0x7F) << shift;
            if ((x & 0x80) == 0)
            {
                return value;
            }
        }
    }

    private static byte[] MakeSample(int size)
    {
        var random = new Random(7);
        var data = new byte[size];
        var words = new[] { "usr/lib/", "firefox ", "\0\0\0\0", "libxul.so ", "ELF", "0123456789" };
        var at = 0;
        while (at < size)
        {
            if (random.Next(4) == 0)
            {
                data[at++] = (byte)random.Next(256);
                continue;
            }

            foreach (var c in words[random.Next(words.Length)])
            {
                if (at < size)
                {
                    data[at++] = (byte)c;
                }
            }
        }

        return data;
    }
}
