using System.Formats.Tar;
using System.Text;
using AptOstree.Deb.Solver;
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
        using var reader = new TarArchiveReader(new MemoryStream(tar), sourceName: "sparse.deb", memberName: "data.tar");
        var ex = Assert.Throws<InvalidFormatException>(() => reader.EnumerateEntries().ToList());
        Assert.Equal(CoreErrorCodes.UnsupportedTarEntry, ex.ErrorCode);
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
    public void Global_extended_header_with_a_huge_size_is_refused_with_our_exception()
    {
        var tar = FuzzInputs.DataTar();
        var last = TarHeaderMutator.HeaderOffsets(tar)[^1];
        Encoding.ASCII.GetBytes("77777777777\0").CopyTo(tar, last + 124);
        RawDeb.PatchTypeFlag(tar, last, (byte)'g');
        using var reader = new TarArchiveReader(new MemoryStream(tar), sourceName: "global.deb", memberName: "data.tar");
        var ex = Assert.Throws<InvalidFormatException>(() => reader.EnumerateEntries().ToList());
        Assert.Equal(CoreErrorCodes.InvalidTar, ex.ErrorCode);
        Assert.Contains("global.deb", ex.Message);
    }

    [Theory]
    [InlineData(TarEntryType.Fifo)]
    [InlineData(TarEntryType.RegularFile)]
    [InlineData(TarEntryType.HardLink)]
    public void Entry_below_a_directory_that_was_replaced_is_refused_with_our_exception(TarEntryType replacement)
    {
        using var temp = new AptOstree.Testing.TempDirectory("fuzz-regression-");
        TarEntry replacing = replacement switch
        {
            TarEntryType.Fifo => new GnuTarEntry(TarEntryType.Fifo, "./a/b") { Mode = (UnixFileMode)0x1A4 },
            TarEntryType.RegularFile => RawDeb.File("./a/b", "file"),
            _ => RawDeb.Link(TarEntryType.HardLink, "./a/b", "./f"),
        };
        var deb = RawDeb.WithData(RawDeb.Dir("./"), RawDeb.File("./f", "target"), RawDeb.Dir("./a/b/"), replacing, RawDeb.File("./a/b/c", "below"));
        using var package = DebPackage.Open(new MemoryStream(deb), sourceName: "replaced.deb");
        var ex = Assert.Throws<InvalidFormatException>(() => package.ExtractTo(temp.Combine("target")));
        Assert.Equal(DebErrorCodes.ExtractionConflict, ex.ErrorCode);
        Assert.Contains("a/b", ex.Message);
        Assert.Equal(["target"], Directory.EnumerateFileSystemEntries(temp.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void File_replacing_an_empty_directory_keeps_its_own_mode_like_dpkg_deb()
    {
        // dpkg-deb -x (GNU tar) leaves a regular file with mode 644 here: the directory's delayed mode is not applied to it.
        using var temp = new AptOstree.Testing.TempDirectory("fuzz-regression-");
        var dir = RawDeb.Dir("./d");
        dir.Mode = (UnixFileMode)0x1C0;
        var deb = RawDeb.WithData(RawDeb.Dir("./"), dir, RawDeb.File("./d", "file\n"));
        using var package = DebPackage.Open(new MemoryStream(deb), sourceName: "replaced.deb");
        var result = package.ExtractTo(temp.Combine("target"));
        var st = AptOstree.Posix.LibcPosixFileSystem.Instance.GetStatus(temp.Combine("target", "d"));
        Assert.Equal(AptOstree.Posix.PosixFileType.RegularFile, st.FileType);
        Assert.Equal(0x1A4u, st.Permissions);
        Assert.Equal(1, result.Files);
    }

    [SkippableFact]
    public void Signature_block_with_an_unsupported_key_packet_version_is_a_bad_signature()
    {
        // An old-format secret-subkey packet (tag 7) of one byte, version 133: BouncyCastle throws
        // UnsupportedPacketVersionException, which is neither a PgpException nor an IOException.
        byte[] block = [0x9C, 0x01, 0x85];
        using var key = AptOstree.Testing.GpgTestKey.Create();
        var ex = Assert.Throws<AptOstree.Deb.Apt.AptException>(() => AptOstree.Deb.Apt.OpenPgpVerifier.VerifyDetached("Origin: x\n"u8, block, key.Keyring, "fuzz/Release"));
        Assert.Equal(AptErrorCodes.BadSignature, ex.ErrorCode);
        Assert.Contains("fuzz/Release", ex.Message);
    }

    [SkippableFact]
    public void Signature_whose_algorithm_is_not_the_keys_is_a_bad_signature()
    {
        using var key = AptOstree.Testing.GpgTestKey.Create();
        var data = "Origin: x\n"u8.ToArray();
        var signature = key.Sign(data, "--detach-sign");
        AptOstree.Deb.Apt.OpenPgpVerifier.VerifyDetached(data, signature, key.Keyring, "fuzz/Release");

        // Old-format packet header (tag, 1/2/4 length bytes), then version, signature type, public-key algorithm.
        var algorithmAt = (signature[0] & 0x40) == 0 ? (1 << (signature[0] & 3)) + 1 + 2 : throw new InvalidOperationException("gpg wrote a new-format packet");
        foreach (var algorithm in new byte[] { 0, 1, 3, 16, 17, 18, 19, 20, 99 })
        {
            var forged = (byte[])signature.Clone();
            forged[algorithmAt] = algorithm;
            var ex = Assert.Throws<AptOstree.Deb.Apt.AptException>(() => AptOstree.Deb.Apt.OpenPgpVerifier.VerifyDetached(data, forged, key.Keyring, "fuzz/Release"));
            Assert.Equal(AptErrorCodes.BadSignature, ex.ErrorCode);
        }
    }

    [Fact]
    public void Edsp_request_with_an_empty_architecture_is_refused_with_our_exception()
    {
        var scenario = "Request: EDSP 0.5\nArchitecture:\n"u8.ToArray();
        var ex = Assert.Throws<InvalidFormatException>(() => EdspScenario.Read(new MemoryStream(scenario)));
        Assert.Equal(AptErrorCodes.InvalidEdsp, ex.ErrorCode);
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
        Assert.Equal(AptErrorCodes.UnknownPackage, ex.ErrorCode);
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
