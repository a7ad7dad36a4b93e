using System.Formats.Tar;
using AptOstree.Deb.Tests.Archive;
using AptOstree.Testing;

namespace AptOstree.Deb.Tests.Package;

/// <summary>Hostile or broken archives must fail with our exception and never write outside the target.</summary>
public sealed class DebExtractHostileInputTests : IDisposable
{
    private readonly TempDirectory _temp = new("debarchive-hostile-");

    private string Target => _temp.Combine("target");

    private string Outside => _temp.Combine("outside");

    public DebExtractHostileInputTests()
    {
        Directory.CreateDirectory(Outside);
    }

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Dot_dot_component_is_refused()
    {
        var deb = RawDeb.WithData(RawDeb.Dir("./"), RawDeb.File("./../outside/evil", "x"));
        var ex = Assert.Throws<UnsafePathException>(() => Extract(deb));
        Assert.Contains("..", ex.Message);
        AssertOutsideUntouched();
    }

    [Fact]
    public void Deep_dot_dot_is_refused()
    {
        var deb = RawDeb.WithData(RawDeb.Dir("./"), RawDeb.Dir("./a/"), RawDeb.File("./a/../../outside/evil", "x"));
        Assert.Throws<UnsafePathException>(() => Extract(deb));
        AssertOutsideUntouched();
    }

    [Fact]
    public void Absolute_names_stay_inside_the_target_like_gnu_tar()
    {
        var deb = RawDeb.WithData(RawDeb.File(Outside + "/evil", "x"));
        Extract(deb);
        AssertOutsideUntouched();
        Assert.True(File.Exists(Path.Combine(Target, Outside.TrimStart('/'), "evil")));
    }

    [Fact]
    public void Write_through_a_symlink_planted_earlier_is_refused()
    {
        var deb = RawDeb.WithData(RawDeb.Dir("./"), RawDeb.Link(TarEntryType.SymbolicLink, "./escape", Outside), RawDeb.File("./escape/evil", "x"));
        var ex = Assert.Throws<UnsafePathException>(() => Extract(deb));
        Assert.Contains("symlink", ex.Message);
        AssertOutsideUntouched();
    }

    [Fact]
    public void Write_through_a_relative_symlink_to_dot_dot_is_refused()
    {
        var deb = RawDeb.WithData(RawDeb.Dir("./"), RawDeb.Link(TarEntryType.SymbolicLink, "./up", ".."), RawDeb.File("./up/outside/evil", "x"));
        Assert.Throws<UnsafePathException>(() => Extract(deb));
        AssertOutsideUntouched();
    }

    [Fact]
    public void Symlink_chained_through_a_symlink_is_refused()
    {
        var deb = RawDeb.WithData(RawDeb.Dir("./"), RawDeb.Link(TarEntryType.SymbolicLink, "./a", Outside), RawDeb.Link(TarEntryType.SymbolicLink, "./a/b", "/etc/passwd"));
        Assert.Throws<UnsafePathException>(() => Extract(deb));
        AssertOutsideUntouched();
    }

    [Fact]
    public void Pre_existing_symlink_in_the_target_is_not_followed()
    {
        Directory.CreateDirectory(Target);
        File.CreateSymbolicLink(Path.Combine(Target, "sub"), Outside);
        var deb = RawDeb.WithData(RawDeb.File("./sub/evil", "x"));
        Assert.Throws<UnsafePathException>(() => Extract(deb));
        AssertOutsideUntouched();
    }

    [Fact]
    public void Symlinks_pointing_outside_are_created_as_links_but_never_followed()
    {
        var deb = RawDeb.WithData(RawDeb.Dir("./"), RawDeb.Link(TarEntryType.SymbolicLink, "./abs", Outside + "/target"), RawDeb.File("./plain", "x"));
        Extract(deb);
        Assert.Equal(Outside + "/target", new FileInfo(Path.Combine(Target, "abs")).LinkTarget);
        AssertOutsideUntouched();
    }

    [Fact]
    public void Hard_link_leaving_the_target_is_refused()
    {
        File.WriteAllText(Path.Combine(Outside, "secret"), "s");
        var deb = RawDeb.WithData(RawDeb.Dir("./"), RawDeb.Link(TarEntryType.HardLink, "./h", "../outside/secret"));
        Assert.Throws<UnsafePathException>(() => Extract(deb));
        Assert.Equal(1, (int)AptOstree.Posix.LibcPosixFileSystem.Instance.GetStatus(Path.Combine(Outside, "secret")).LinkCount);
    }

    [Fact]
    public void Hard_link_to_an_absolute_path_is_refused_as_missing_target()
    {
        var deb = RawDeb.WithData(RawDeb.Dir("./"), RawDeb.Link(TarEntryType.HardLink, "./h", "/etc/passwd"));
        var ex = Assert.Throws<InvalidFormatException>(() => Extract(deb));
        Assert.Equal(DebErrorCodes.HardLinkTargetMissing, ex.ErrorCode);
    }

    [Fact]
    public void Hard_links_to_earlier_files_work()
    {
        var deb = RawDeb.WithData(RawDeb.Dir("./"), RawDeb.File("./a", "same"), RawDeb.Link(TarEntryType.HardLink, "./b", "./a"));
        var result = Extract(deb);
        Assert.Equal(1, result.HardLinks);
        Assert.Equal(2, (int)AptOstree.Posix.LibcPosixFileSystem.Instance.GetStatus(Path.Combine(Target, "a")).LinkCount);
    }

    [Fact]
    public void Truncated_tar_data_throws_our_exception()
    {
        var tar = RawDeb.Tar(RawDeb.Dir("./"), RawDeb.File("./big", new string('x', 5000)));
        var deb = RawDeb.Ar(("debian-binary", "2.0\n"u8.ToArray()), ("control.tar.gz", RawDeb.ControlTarGz()), ("data.tar", tar[..(512 * 3)]));
        var ex = Assert.Throws<InvalidFormatException>(() => Extract(deb));
        Assert.Contains("big", ex.Message + ex.Location);
    }

    [Fact]
    public void Bad_tar_checksum_throws_our_exception()
    {
        var tar = RawDeb.Tar(RawDeb.Dir("./"), RawDeb.File("./f", "x"));
        tar[512 + 10] ^= 1;
        var deb = RawDeb.Ar(("debian-binary", "2.0\n"u8.ToArray()), ("control.tar.gz", RawDeb.ControlTarGz()), ("data.tar", tar));
        var ex = Assert.Throws<InvalidFormatException>(() => Extract(deb));
        Assert.Equal(CoreErrorCodes.InvalidTar, ex.ErrorCode);
    }

    [Fact]
    public void Unsupported_tar_entry_type_throws_our_exception()
    {
        var tar = RawDeb.Tar(RawDeb.Dir("./"), RawDeb.File("./f", "x"));
        RawDeb.PatchTypeFlag(tar, 512, (byte)'V');
        var deb = RawDeb.Ar(("debian-binary", "2.0\n"u8.ToArray()), ("control.tar.gz", RawDeb.ControlTarGz()), ("data.tar", tar));
        var ex = Assert.Throws<InvalidFormatException>(() => Extract(deb));
        Assert.True(ex.ErrorCode is CoreErrorCodes.UnsupportedTarEntry or CoreErrorCodes.InvalidTar, ex.ErrorCode);
    }

    [Fact]
    public void Corrupt_xz_data_member_throws_our_exception_and_writes_nothing_outside()
    {
        var data = RawDeb.Compress(RawDeb.Tar(RawDeb.Dir("./"), RawDeb.File("./f", new string('y', 100_000))), DebCompression.Xz);
        for (var i = 60; i < data.Length - 40; i += 7)
        {
            data[i] ^= 0xFF;
        }

        var deb = RawDeb.Ar(("debian-binary", "2.0\n"u8.ToArray()), ("control.tar.gz", RawDeb.ControlTarGz()), ("data.tar.xz", data));
        var ex = Assert.Throws<InvalidFormatException>(() => Extract(deb));
        Assert.Equal(DebErrorCodes.CorruptCompressedData, ex.ErrorCode);
        AssertOutsideUntouched();
    }

    [Theory]
    [InlineData(DebCompression.Gzip)]
    [InlineData(DebCompression.Xz)]
    [InlineData(DebCompression.Zstd)]
    public void Truncated_compressed_data_member_throws_our_exception(DebCompression compression)
    {
        var data = RawDeb.Compress(RawDeb.Tar(RawDeb.Dir("./"), RawDeb.File("./f", new string('y', 200_000)), RawDeb.File("./g", "z")), compression);
        var deb = RawDeb.Ar(("debian-binary", "2.0\n"u8.ToArray()), ("control.tar.gz", RawDeb.ControlTarGz()), ("data.tar" + DebCompressionNames.GetSuffix(compression), data[..(data.Length / 2)]));
        var ex = Assert.Throws<InvalidFormatException>(() => Extract(deb));
        Assert.True(ex.ErrorCode is DebErrorCodes.CorruptCompressedData or CoreErrorCodes.InvalidTar, ex.ToString());
        AssertOutsideUntouched();
    }

    [Fact]
    public void Decompression_bomb_in_a_package_is_stopped()
    {
        var tar = RawDeb.Tar(RawDeb.Dir("./"), RawDeb.File("./zeros", new string('\0', 24 * 1024 * 1024)));
        var deb = RawDeb.Ar(("debian-binary", "2.0\n"u8.ToArray()), ("control.tar.gz", RawDeb.ControlTarGz()), ("data.tar.xz", RawDeb.Compress(tar, DebCompression.Xz)));
        var options = new DebReaderOptions { Limits = DecompressionLimits.Default with { RatioGracePeriodBytes = 1024 * 1024 } };
        using var pkg = DebPackage.Open(new MemoryStream(deb), options: options);
        var ex = Assert.Throws<InvalidFormatException>(() => pkg.ExtractTo(Target));
        Assert.Equal(DebErrorCodes.DecompressionLimitExceeded, ex.ErrorCode);
    }

    [Fact]
    public void Nul_in_a_pax_path_is_refused_as_a_nul_not_as_dot_dot()
    {
        var start = RawDeb.Tar(RawDeb.Dir("./"));
        var output = new MemoryStream();
        output.Write(start, 0, 512); // the directory's header, without the end-of-archive blocks

        PaxExtendedHeader.Write(output, "./f", DateTimeOffset.UnixEpoch, "14 path=./a\0b\n"u8);
        output.Write(RawDeb.Tar(RawDeb.File("./f", "x")));
        var deb = RawDeb.Ar(("debian-binary", "2.0\n"u8.ToArray()), ("control.tar.gz", RawDeb.ControlTarGz()), ("data.tar", output.ToArray()));
        var ex = Assert.Throws<UnsafePathException>(() => Extract(deb));
        Assert.Contains("NUL", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("..", ex.Message, StringComparison.Ordinal);
        Assert.Contains(@"a\000b", ex.Message, StringComparison.Ordinal);
        AssertOutsideUntouched();
    }

    [Fact]
    public void Control_member_without_control_file_is_reported()
    {
        var control = RawDeb.Compress(RawDeb.Tar(RawDeb.Dir("./"), RawDeb.File("./md5sums", "")), DebCompression.Gzip);
        var deb = RawDeb.Ar(("debian-binary", "2.0\n"u8.ToArray()), ("control.tar.gz", control), ("data.tar", RawDeb.Tar(RawDeb.Dir("./"))));
        var ex = Assert.Throws<InvalidFormatException>(() => DebPackage.Open(new MemoryStream(deb)));
        Assert.Equal(DebErrorCodes.MissingControlFile, ex.ErrorCode);
    }

    private DebExtractResult Extract(byte[] deb)
    {
        using var pkg = DebPackage.Open(new MemoryStream(deb), sourceName: "hostile.deb");
        return pkg.ExtractTo(Target);
    }

    private void AssertOutsideUntouched() =>
        Assert.DoesNotContain(Directory.EnumerateFileSystemEntries(Outside), p => Path.GetFileName(p) != "secret");
}
