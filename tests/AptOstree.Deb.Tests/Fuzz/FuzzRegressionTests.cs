using System.Text;
using AptOstree.Deb.Compression;
using AptOstree.Deb.Package;
using AptOstree.Deb.Solver;
using AptOstree.Deb.Solver.Edsp;
using AptOstree.Deb.Tar;
using AptOstree.Deb.Tests.Archive;

namespace AptOstree.Deb.Tests.Fuzz;

/// <summary>The inputs the fuzzers found that broke the error contract, rebuilt in code, each pinned to our exception.</summary>
public sealed class FuzzRegressionTests
{
    [Fact]
    public void Gnu_sparse_entry_is_refused_with_our_exception()
    {
        var tar = FuzzInputs.DataTar();
        RawDeb.PatchTypeFlag(tar, 0, (byte)'S');
        using var reader = new DebTarReader(new MemoryStream(tar), sourceName: "sparse.deb", memberName: "data.tar");
        var ex = Assert.Throws<InvalidFormatException>(() => reader.EnumerateEntries().ToList());
        Assert.Equal(DebErrorCodes.UnsupportedTarEntry, ex.ErrorCode);
        Assert.Contains("sparse.deb", ex.Message);
        Assert.Contains("data.tar", ex.Message);
    }

    [Fact]
    public void Control_file_claiming_more_than_an_int_is_refused_with_our_exception()
    {
        var deb = DebWithControlFileSize("77777777777");
        var ex = Assert.Throws<InvalidFormatException>(() => DebPackage.Open(new MemoryStream(deb), sourceName: "huge.deb"));
        Assert.Equal(DebErrorCodes.DecompressionLimitExceeded, ex.ErrorCode);
        Assert.Contains("8589934591", ex.Message);
        Assert.Contains("control.tar", ex.Message);
    }

    [Fact]
    public void Control_file_size_is_not_allocated_before_the_data_is_there()
    {
        // 128 MiB claimed, a few hundred bytes present: the reader must notice the truncation without allocating the claim.
        var deb = DebWithControlFileSize("01000000000");
        var before = GC.GetAllocatedBytesForCurrentThread();
        var ex = Assert.ThrowsAny<InvalidFormatException>(() => DebPackage.Open(new MemoryStream(deb), sourceName: "short.deb"));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Contains("short.deb", ex.Message);
        Assert.True(allocated < 16 << 20, $"opening a {deb.Length}-byte package allocated {allocated} bytes");
    }

    [Theory]
    [InlineData("4294967296", true)]
    [InlineData("4294967296", false)]
    [InlineData("9999999999", true)]
    public void Data_member_larger_than_the_archive_is_truncation_for_the_parallel_xz_decoder(string size, bool fromFile)
    {
        var tar = FuzzInputs.DataTar();
        byte[] xz = [.. RawDeb.Compress(tar[..(tar.Length / 2)], DebCompression.Xz), .. RawDeb.Compress(tar[(tar.Length / 2)..], DebCompression.Xz)];
        var deb = RawDeb.Ar(("debian-binary", "2.0\n"u8.ToArray()), ("control.tar.gz", RawDeb.ControlTarGz()), ("data.tar.xz", xz));
        var header = deb.Length - xz.Length - 60;
        Assert.Equal("data.tar.xz", Encoding.ASCII.GetString(deb, header, 16).TrimEnd());
        Encoding.ASCII.GetBytes(size.PadRight(10)).CopyTo(deb, header + 48);
        using var temp = new AptOstree.Testing.TempDirectory("fuzz-regression-");
        var path = temp.Combine("big.deb");
        File.WriteAllBytes(path, deb);
        var options = new DebReaderOptions { Xz = new XzDecodingOptions { Threads = 2 } };
        using var package = fromFile ? DebPackage.Open(path, options) : DebPackage.Open(new MemoryStream(deb), sourceName: path, options: options);
        var ex = Assert.Throws<InvalidFormatException>(() => package.GetDataEntries());
        Assert.Equal(DebErrorCodes.TruncatedArchive, ex.ErrorCode);
        Assert.Contains("data.tar.xz", ex.Message);
        Assert.Contains(size, ex.Message);
    }

    [Fact]
    public void Edsp_request_with_an_empty_architecture_is_refused_with_our_exception()
    {
        var scenario = "Request: EDSP 0.5\nArchitecture:\n"u8.ToArray();
        var ex = Assert.Throws<InvalidFormatException>(() => EdspScenario.Read(new MemoryStream(scenario)));
        Assert.Equal(AptOstree.AptErrorCodes.InvalidEdsp, ex.ErrorCode);
        Assert.Contains("Architecture", ex.Message);

        var answer = new MemoryStream();
        EdspSolver.Run(new MemoryStream(scenario), answer);
        Assert.Contains("Error:", Encoding.UTF8.GetString(answer.ToArray()), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData(" =1.0")]
    public void Blank_package_request_is_refused_with_our_exception(string text)
    {
        var ex = Assert.Throws<AptOstreeException>(() => PackageRequest.Parse(text));
        Assert.Equal(AptOstree.AptErrorCodes.UnknownPackage, ex.ErrorCode);
        Assert.Contains($"'{text}'", ex.Message);
    }

    /// <summary>A valid package whose uncompressed control.tar has the size field of its 'control' entry replaced (checksum fixed).</summary>
    private static byte[] DebWithControlFileSize(string octalSize)
    {
        var control = FuzzInputs.ControlTar();
        var header = TarHeaderMutator.HeaderOffsets(control).Single(h => Encoding.ASCII.GetString(control, h, 100).TrimEnd('\0') == "./control");
        Encoding.ASCII.GetBytes(octalSize + "\0").CopyTo(control, header + 124);
        RawDeb.FixChecksum(control, header);
        var data = FuzzInputs.MemberOf(FuzzInputs.Deb(DebCompression.Gzip), "data.tar");
        return RawDeb.Ar(("debian-binary", "2.0\n"u8.ToArray()), ("control.tar", control), ("data.tar.gz", data));
    }
}
