using AptOstree.Deb.Apt;
using AptOstree.Deb.Tests.Archive;
using Xunit.Abstractions;

namespace AptOstree.Deb.Tests.Fuzz;

/// <summary>
/// Mutation fuzzing of the tar reader (field-aware header mutations with fixed checksums, raw byte mutations, pax
/// xattr records) and of every decompressor (xz, lzma, zstd, gzip, bzip2, and the index codecs incl. lz4): truncated
/// or flipped streams must decode or fail with our exception.
/// </summary>
public sealed class TarAndCompressionFuzzTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("data", 501)]
    [InlineData("control", 502)]
    [InlineData("xattrs", 503)]
    public void Tar_header_field_mutations(string sample, int seed)
    {
        var tar = sample switch { "data" => FuzzInputs.DataTar(), "control" => FuzzInputs.ControlTar(), _ => FuzzInputs.TarWithXattrs() };
        var headers = TarHeaderMutator.HeaderOffsets(tar);
        var random = new Random(seed);
        FuzzHarness.Run(output, $"tar headers ({sample}, seed {seed})", Cases(), c => FuzzTargets.ReadTar(c.Input));

        IEnumerable<FuzzCase> Cases()
        {
            for (var i = 0; i < 500 * FuzzHarness.Scale; i++)
            {
                var m = TarHeaderMutator.Mutate(random, tar, headers);
                if (random.Next(3) == 0)
                {
                    // Two fields at once reach combinations a single change cannot (a type change plus a size).
                    var second = TarHeaderMutator.Mutate(random, m.Data, headers);
                    m = new Mutation(second.Data, m.Description + "; " + second.Description);
                }

                yield return new FuzzCase($"#{i}: {m.Description}", m.Data);
            }
        }
    }

    [Theory]
    [InlineData("data", 511)]
    [InlineData("xattrs", 512)]
    public void Tar_random_byte_mutations_with_fixed_checksums(string sample, int seed)
    {
        var tar = sample == "data" ? FuzzInputs.DataTar() : FuzzInputs.TarWithXattrs();
        var headers = TarHeaderMutator.HeaderOffsets(tar);
        var random = new Random(seed);
        FuzzHarness.Run(output, $"tar bytes ({sample}, seed {seed})", Cases(), c => FuzzTargets.ReadTar(c.Input));

        IEnumerable<FuzzCase> Cases()
        {
            for (var i = 0; i < 400 * FuzzHarness.Scale; i++)
            {
                // Mutate within the first blocks (headers and pax records live there), keeping the length.
                var m = ByteMutator.Mutate(random, tar);
                if (random.Next(2) == 0 && m.Data.Length == tar.Length)
                {
                    foreach (var h in headers)
                    {
                        RawDeb.FixChecksum(m.Data, h);
                    }

                    m = m with { Description = m.Description + "; checksums fixed" };
                }

                yield return new FuzzCase($"#{i}: {m.Description}", m.Data);
            }
        }
    }

    [Theory]
    [InlineData(DebCompression.Gzip, 601)]
    [InlineData(DebCompression.Xz, 602)]
    [InlineData(DebCompression.Zstd, 603)]
    [InlineData(DebCompression.Bzip2, 604)]
    [InlineData(DebCompression.Lzma, 605)]
    public void Compressed_streams_truncated_or_flipped(DebCompression compression, int seed)
    {
        var plain = FuzzInputs.DataTar();
        var compressed = Compress(plain, compression);
        using (var decoded = DebDecompressor.Open(new MemoryStream(compressed), compression))
        {
            var roundTrip = new MemoryStream();
            decoded.CopyTo(roundTrip);
            Assert.Equal(plain, roundTrip.ToArray());
        }

        var random = new Random(seed);
        FuzzHarness.Run(output, $"{compression} stream (seed {seed})", Cases(), c => FuzzTargets.Decompress(c.Input, compression));

        IEnumerable<FuzzCase> Cases()
        {
            var step = Math.Max(1, compressed.Length / 200);
            for (var length = 0; length < compressed.Length; length += step)
            {
                yield return new FuzzCase($"truncated to {length}", compressed[..length]);
            }

            for (var i = 0; i < 250 * FuzzHarness.Scale; i++)
            {
                var m = ByteMutator.Mutate(random, compressed, maxOperations: 2);
                yield return new FuzzCase($"#{i}: {m.Description}", m.Data);
            }
        }
    }

    [SkippableFact]
    public void Xz_index_mutations_with_fixed_crcs_through_the_parallel_and_the_sequential_decoder()
    {
        Skip.IfNot(DebDecompressor.UsesNativeLzma, "the system liblzma is not available (it writes the xz samples and runs the parallel decoder)");
        var tar = FuzzInputs.DataTar();
        var third = tar.Length / 3;
        byte[] xz = [.. RawDeb.Compress(tar[..third], DebCompression.Xz), .. RawDeb.Compress(tar[third..(2 * third)], DebCompression.Xz), .. RawDeb.Compress(tar[(2 * third)..], DebCompression.Xz)];
        var control = RawDeb.ControlTarGz();
        var options = new AptOstree.Deb.DebReaderOptions { Xz = new XzDecodingOptions { Threads = 2 } };
        var random = new Random(606);
        FuzzHarness.Run(output, "xz index", Cases(), c =>
        {
            var deb = RawDeb.Ar(("debian-binary", "2.0\n"u8.ToArray()), ("control.tar.gz", control), ("data.tar.xz", c.Input));
            using (var package = AptOstree.Deb.DebPackage.Open(new MemoryStream(deb), sourceName: "fuzz.deb", options: options))
            {
                _ = package.GetDataEntries();
            }

            FuzzTargets.Decompress(c.Input, DebCompression.Xz);
        });

        IEnumerable<FuzzCase> Cases()
        {
            for (var i = 0; i < 200 * FuzzHarness.Scale; i++)
            {
                var m = XzIndexMutator.Mutate(random, xz);
                yield return new FuzzCase($"#{i}: {m.Description}", m.Data);
            }
        }
    }

    [Theory]
    [InlineData(DebCompression.Gzip, 701)]
    [InlineData(DebCompression.Xz, 702)]
    [InlineData(DebCompression.Zstd, 703)]
    [InlineData(DebCompression.Lz4, 704)]
    public void Index_decoders_truncated_or_flipped(DebCompression compression, int seed)
    {
        var plain = System.Text.Encoding.UTF8.GetBytes(FuzzInputs.Packages);
        var compressed = compression switch
        {
            DebCompression.Lz4 => FuzzInputs.Lz4Frame(plain),
            DebCompression.Gzip => RawDeb.Compress(plain, DebCompression.Gzip),
            DebCompression.Xz => RawDeb.Compress(plain, DebCompression.Xz),
            _ => RawDeb.Compress(plain, DebCompression.Zstd),
        };
        Assert.Equal(plain, DecodeFile(compressed, compression));
        var random = new Random(seed);
        FuzzHarness.Run(output, $"{compression} index (seed {seed})", Cases(), c => DecodeFile(c.Input, compression));

        IEnumerable<FuzzCase> Cases()
        {
            var step = Math.Max(1, compressed.Length / 100);
            for (var length = 0; length < compressed.Length; length += step)
            {
                yield return new FuzzCase($"truncated to {length}", compressed[..length]);
            }

            for (var i = 0; i < 150 * FuzzHarness.Scale; i++)
            {
                var m = ByteMutator.Mutate(random, compressed, maxOperations: 2);
                yield return new FuzzCase($"#{i}: {m.Description}", m.Data);
            }
        }
    }

    private static byte[] DecodeFile(byte[] compressed, DebCompression compression)
    {
        var path = Path.Combine(Path.GetTempPath(), $"fuzz-index-{Environment.ProcessId}-{Environment.CurrentManagedThreadId}{IndexCompressionFormats.Extension(compression)}");
        File.WriteAllBytes(path, compressed);
        try
        {
            return IndexCompressionFormats.ReadAllDecoded(path, compression);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static byte[] Compress(byte[] plain, DebCompression compression)
    {
        switch (compression)
        {
            case DebCompression.Bzip2:
            {
                var ms = new MemoryStream();
                using (var bz = SharpCompress.Compressors.BZip2.BZip2Stream.Create(ms, SharpCompress.Compressors.CompressionMode.Compress, decompressConcatenated: false, leaveOpen: true))
                {
                    bz.Write(plain);
                }

                return ms.ToArray();
            }

            case DebCompression.Lzma:
            {
                // .lzma (lzma_alone): 5 property bytes, the 64-bit size, then the raw LZMA stream.
                var raw = new MemoryStream();
                var encoder = new SharpCompress.Compressors.LZMA.LzmaEncoderProperties(eos: false, dictionary: 1 << 16);
                byte[] properties;
                using (var lzma = SharpCompress.Compressors.LZMA.LzmaStream.Create(encoder, isLzma2: false, raw))
                {
                    properties = lzma.Properties;
                    lzma.Write(plain);
                }

                var ms = new MemoryStream();
                ms.Write(properties);
                ms.Write(BitConverter.GetBytes((long)plain.Length));
                ms.Write(raw.ToArray());
                return ms.ToArray();
            }

            default:
                return RawDeb.Compress(plain, compression);
        }
    }
}
