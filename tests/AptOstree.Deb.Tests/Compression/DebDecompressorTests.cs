using AptOstree.Deb.Tests.Archive;

namespace AptOstree.Deb.Tests.Compression;

public sealed class DebDecompressorTests
{
    private static readonly byte[] Sample = MakeSample();

    public static TheoryData<DebCompression, string, string[]> SystemTools => new()
    {
        { DebCompression.Xz, "xz", ["-c", "-T2", "--block-size=65536"] },
        { DebCompression.Xz, "xz", ["-c", "-0"] },
        { DebCompression.Zstd, "zstd", ["-c", "-q"] },
        { DebCompression.Gzip, "gzip", ["-c"] },
        { DebCompression.Bzip2, "bzip2", ["-c"] },
        { DebCompression.Lzma, "xz", ["--format=lzma", "-c"] },
    };

    [SkippableTheory]
    [MemberData(nameof(SystemTools))]
    public void Decodes_what_the_system_tool_encodes(DebCompression compression, string tool, string[] args)
    {
        var compressed = DebArchiveReaderTests.Pipe(tool, args, Sample);
        Assert.Equal(Sample, Decode(compressed, compression));
    }

    [SkippableTheory]
    [InlineData(DebCompression.Xz)]
    [InlineData(DebCompression.Lzma)]
    public void Managed_fallback_decodes_the_same(DebCompression compression)
    {
        var compressed = compression == DebCompression.Xz ? DebArchiveReaderTests.Pipe("xz", ["-c", "-T2", "--block-size=65536"], Sample) : DebArchiveReaderTests.Lzma(Sample);
        LibLzma.ForceManaged = true;
        try
        {
            Assert.False(DebDecompressor.UsesNativeLzma);
            Assert.Equal(Sample, Decode(compressed, compression));
        }
        finally
        {
            LibLzma.ForceManaged = false;
        }
    }

    [SkippableTheory]
    [InlineData(DebCompression.Xz, "xz")]
    [InlineData(DebCompression.Zstd, "zstd")]
    [InlineData(DebCompression.Gzip, "gzip")]
    public void What_we_encode_the_system_tool_decodes(DebCompression compression, string tool)
    {
        var ours = RawDeb.Compress(Sample, compression);
        Assert.Equal(Sample, DebArchiveReaderTests.Pipe(tool, ["-d", "-c"], ours));
    }

    [Theory]
    [InlineData(DebCompression.Xz)]
    [InlineData(DebCompression.Zstd)]
    [InlineData(DebCompression.Gzip)]
    public void Corrupt_data_throws_our_exception_naming_the_member(DebCompression compression)
    {
        var compressed = RawDeb.Compress(Sample, compression);
        for (var i = compressed.Length / 3; i < compressed.Length / 3 + 64; i++)
        {
            compressed[i] ^= 0x5A;
        }

        var ex = Assert.Throws<InvalidFormatException>(() => Decode(compressed, compression));
        Assert.Equal(DebErrorCodes.CorruptCompressedData, ex.ErrorCode);
        Assert.Contains("data.tar", ex.Message);
    }

    // GZipStream reports a truncated deflate stream as a normal end; the tar layer above catches that (see
    // DebExtractHostileInputTests.Truncated_gzip_data_member_throws_our_exception).
    [Theory]
    [InlineData(DebCompression.Xz)]
    [InlineData(DebCompression.Zstd)]
    public void Truncated_data_throws_our_exception(DebCompression compression)
    {
        var compressed = RawDeb.Compress(Sample, compression);
        var ex = Assert.Throws<InvalidFormatException>(() => Decode(compressed[..(compressed.Length / 2)], compression));
        Assert.Equal(DebErrorCodes.CorruptCompressedData, ex.ErrorCode);
    }

    [Theory]
    [InlineData(DebCompression.Xz)]
    [InlineData(DebCompression.Zstd)]
    [InlineData(DebCompression.Gzip)]
    public void Garbage_throws_our_exception(DebCompression compression)
    {
        var ex = Assert.Throws<InvalidFormatException>(() => Decode("this is not compressed at all, not even a little bit"u8.ToArray(), compression));
        Assert.Equal(DebErrorCodes.CorruptCompressedData, ex.ErrorCode);
    }

    [Theory]
    [InlineData(DebCompression.Xz)]
    [InlineData(DebCompression.Zstd)]
    [InlineData(DebCompression.Gzip)]
    public void Decompression_bomb_is_stopped_by_the_ratio_limit(DebCompression compression)
    {
        var zeros = new byte[32 * 1024 * 1024];
        var compressed = RawDeb.Compress(zeros, compression);
        var limits = DecompressionLimits.Default with { RatioGracePeriodBytes = 1024 * 1024, MaxExpansionRatio = 100 };
        var ex = Assert.Throws<InvalidFormatException>(() => Decode(compressed, compression, limits));
        Assert.Equal(DebErrorCodes.DecompressionLimitExceeded, ex.ErrorCode);
        Assert.Contains("ratio", ex.Message);
    }

    [Fact]
    public void Absolute_output_limit_is_enforced()
    {
        var compressed = RawDeb.Compress(new byte[4 * 1024 * 1024], DebCompression.Zstd);
        var ex = Assert.Throws<InvalidFormatException>(() => Decode(compressed, DebCompression.Zstd, DecompressionLimits.None with { MaxDecompressedBytes = 1024 * 1024 }));
        Assert.Equal(DebErrorCodes.DecompressionLimitExceeded, ex.ErrorCode);
    }

    [Fact]
    public void Member_names_map_to_codecs()
    {
        Assert.True(DebCompressionNames.TryParseMemberName("data.tar.zst", "data.tar", out var c));
        Assert.Equal(DebCompression.Zstd, c);
        Assert.True(DebCompressionNames.TryParseMemberName("data.tar", "data.tar", out c));
        Assert.Equal(DebCompression.None, c);
        Assert.False(DebCompressionNames.TryParseMemberName("data.tar.lz4", "data.tar", out _));
        Assert.True(DebCompressionNames.TryParseName("zstd", out c));
        Assert.Equal(DebCompression.Zstd, c);
        Assert.False(DebCompressionNames.TryParseName("rar", out _));
    }

    private static byte[] Decode(byte[] compressed, DebCompression compression, DecompressionLimits? limits = null)
    {
        using var s = DebDecompressor.Open(new MemoryStream(compressed), compression, limits, "test.deb", "data.tar" + DebCompressionNames.GetSuffix(compression));
        var output = new MemoryStream();
        s.CopyTo(output);
        return output.ToArray();
    }

    private static byte[] MakeSample()
    {
        var random = new Random(42);
        var data = new byte[1_500_000];
        for (var i = 0; i < data.Length; i++)
        {
            data[i] = (byte)(random.Next(16) + (i % 7 == 0 ? 'a' : 'A'));
        }

        return data;
    }
}
