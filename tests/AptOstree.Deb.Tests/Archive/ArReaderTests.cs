using System.Text;

namespace AptOstree.Deb.Tests.Archive;

public sealed class ArReaderTests
{
    [Fact]
    public void Round_trips_members_with_odd_sizes_and_gnu_style_names()
    {
        var bytes = RawDeb.Ar(("debian-binary", "2.0\n"u8.ToArray()), ("odd", [1, 2, 3]), ("empty", []));
        // GNU ar writes "name/"; dpkg strips one trailing slash.
        var gnu = (byte[])bytes.Clone();
        Encoding.ASCII.GetBytes("odd/").CopyTo(gnu, 8 + 60 + 4);
        foreach (var archive in new[] { bytes, gnu })
        {
            using var reader = new ArReader(new MemoryStream(archive));
            var m1 = reader.GetNextMember()!;
            Assert.Equal("debian-binary", m1.Name);
            Assert.Equal("2.0\n", Encoding.ASCII.GetString(m1.ReadAllBytes()));
            Assert.Equal(1_700_000_000, m1.Header.ModificationTime);
            Assert.Equal(0x81A4u, m1.Header.Mode);
            var m2 = reader.GetNextMember()!;
            Assert.Equal("odd", m2.Name);
            Assert.Equal(new byte[] { 1, 2, 3 }, m2.ReadAllBytes());
            var m3 = reader.GetNextMember()!;
            Assert.Equal("empty", m3.Name);
            Assert.Equal(0, m3.Size);
            Assert.Null(reader.GetNextMember());
        }
    }

    [Fact]
    public void Skipping_unread_data_works_on_non_seekable_streams()
    {
        var bytes = RawDeb.Ar(("a", new byte[1001]), ("b", [7]));
        using var reader = new ArReader(new NonSeekableStream(bytes));
        Assert.Equal("a", reader.GetNextMember()!.Name);
        var b = reader.GetNextMember()!;
        Assert.Equal("b", b.Name);
        Assert.Equal(new byte[] { 7 }, b.ReadAllBytes());
    }

    [Fact]
    public async Task Async_reader_sees_the_same_members()
    {
        var bytes = RawDeb.Ar(("a", new byte[3]), ("b", [7]));
        await using var reader = new ArReader(new NonSeekableStream(bytes));
        Assert.Equal("a", (await reader.GetNextMemberAsync())!.Name);
        Assert.Equal("b", (await reader.GetNextMemberAsync())!.Name);
        Assert.Null(await reader.GetNextMemberAsync());
    }

    [Theory]
    [InlineData("")]
    [InlineData("!<arch")]
    [InlineData("!<arch>x")]
    [InlineData("PK\u0003\u0004 not an ar file")]
    public void Bad_magic_is_reported(string content)
    {
        var ex = Assert.Throws<InvalidFormatException>(() => new ArReader(new MemoryStream(Encoding.ASCII.GetBytes(content)), sourceName: "x.deb").GetNextMember());
        Assert.Equal(DebErrorCodes.BadArchiveMagic, ex.ErrorCode);
        Assert.Contains("x.deb", ex.Message);
    }

    [Fact]
    public void Truncated_header_is_reported_with_its_offset()
    {
        var bytes = RawDeb.Ar(("debian-binary", "2.0\n"u8.ToArray()))[..40];
        var ex = Assert.Throws<InvalidFormatException>(() => new ArReader(new MemoryStream(bytes)).GetNextMember());
        Assert.Equal(DebErrorCodes.TruncatedArchive, ex.ErrorCode);
        Assert.Contains("offset 8", ex.Message);
    }

    [Fact]
    public void Truncated_member_data_is_reported()
    {
        var bytes = RawDeb.Ar(("data.tar", new byte[100]))[..(8 + 60 + 50)];
        using var reader = new ArReader(new MemoryStream(bytes));
        var member = reader.GetNextMember()!;
        var ex = Assert.Throws<InvalidFormatException>(() => member.ReadAllBytes());
        Assert.Equal(DebErrorCodes.TruncatedArchive, ex.ErrorCode);
        Assert.Contains("data.tar", ex.Message);
    }

    [Fact]
    public void Size_beyond_the_end_of_the_archive_is_truncation_even_when_skipped()
    {
        var bytes = RawDeb.Ar(("a", new byte[10]));
        Encoding.ASCII.GetBytes("9999999999").CopyTo(bytes, 8 + 48);
        using var reader = new ArReader(new MemoryStream(bytes));
        reader.GetNextMember();
        var ex = Assert.Throws<InvalidFormatException>(() => reader.GetNextMember());
        Assert.Equal(DebErrorCodes.TruncatedArchive, ex.ErrorCode);
    }

    [Theory]
    [InlineData(58, "x")]
    [InlineData(59, "x")]
    public void Bad_header_terminator_is_reported(int offset, string value)
    {
        var bytes = RawDeb.Ar(("a", new byte[2]));
        Encoding.ASCII.GetBytes(value).CopyTo(bytes, 8 + offset);
        var ex = Assert.Throws<InvalidFormatException>(() => new ArReader(new MemoryStream(bytes)).GetNextMember());
        Assert.Equal(DebErrorCodes.InvalidMemberHeader, ex.ErrorCode);
    }

    [Theory]
    [InlineData("12a4      ")]
    [InlineData("-1        ")]
    [InlineData("0x10      ")]
    public void Invalid_size_characters_are_reported(string field)
    {
        var bytes = RawDeb.Ar(("a", new byte[2]));
        Encoding.ASCII.GetBytes(field).CopyTo(bytes, 8 + 48);
        var ex = Assert.Throws<InvalidFormatException>(() => new ArReader(new MemoryStream(bytes)).GetNextMember());
        Assert.Equal(DebErrorCodes.InvalidMemberHeader, ex.ErrorCode);
        Assert.Contains("size", ex.Message);
    }

    [Fact]
    public void Size_parsing_matches_dpkg()
    {
        Assert.True(ArReader.TryParseSize("  42 junk!"u8, out var size, out _));
        Assert.Equal(42, size);
        Assert.True(ArReader.TryParseSize("          "u8, out size, out _));
        Assert.Equal(0, size);
    }

    [Fact]
    public void Writer_rejects_names_and_sizes_the_format_cannot_hold()
    {
        using var writer = new ArWriter(new MemoryStream());
        Assert.Throws<ArgumentException>(() => writer.WriteMember("a-name-longer-than-16", []));
        Assert.Throws<ArgumentException>(() => writer.WriteMember("with space", []));
        Assert.Throws<ArgumentException>(() => writer.WriteMember("slash/", []));
    }

    internal sealed class NonSeekableStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;

        public override long Seek(long offset, SeekOrigin loc) => throw new NotSupportedException();

        public override long Position
        {
            get => base.Position;
            set => throw new NotSupportedException();
        }
    }
}
