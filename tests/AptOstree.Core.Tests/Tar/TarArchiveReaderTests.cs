using System.Text;
using AptOstree.Testing;

namespace AptOstree.Core.Tests.Tar;

/// <summary>
/// The one tar reader of the SDK against archives GNU tar writes (the oracle): names that are not UTF-8 stay
/// distinct bytes, long names in every format, binary xattr values, and hostile headers refused with our codes.
/// </summary>
public sealed class TarArchiveReaderTests : IDisposable
{
    private readonly TempDirectory _tmp = new("aptostree-tar-reader-");

    public void Dispose() => _tmp.Dispose();

    [SkippableTheory]
    [InlineData("gnu")]
    [InlineData("posix")]
    [InlineData("ustar")]
    public void GetNextEntry_GnuTarArchive_SameNamesTypesAndContentAsTarLists(string format)
    {
        ExternalTool.Require("tar");
        var source = _tmp.Combine("src");
        var deep = Path.Combine(source, "d", new string('n', 60), new string('m', 60));
        Directory.CreateDirectory(deep);
        File.WriteAllText(Path.Combine(deep, "file"), "long path content");
        File.WriteAllText(Path.Combine(source, "d", "plain"), "plain");
        File.CreateSymbolicLink(Path.Combine(source, "d", "link"), "plain");
        var archive = _tmp.Combine("a.tar");
        ExternalTool.Run("tar", [$"--format={format}", "--sort=name", "-cf", archive, "-C", source, "d"]).EnsureSuccess("tar -c");
        var listed = ExternalTool.Output("tar", "-tf", archive).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        using var reader = new TarArchiveReader(File.OpenRead(archive), sourceName: archive);
        var names = new List<string>();
        while (reader.GetNextEntry() is { } entry)
        {
            names.Add(entry.Name);
            if (entry.Path.EndsWith("/file", StringComparison.Ordinal))
            {
                Assert.Equal("long path content", new StreamReader(entry.DataStream).ReadToEnd());
            }

            if (entry.Type == TarArchiveEntryType.SymbolicLink)
            {
                Assert.Equal("plain", entry.LinkTarget);
            }
        }

        Assert.Equal(listed, names);
    }

    [SkippableFact]
    public void GetNextEntry_NamesThatAreNotUtf8_StayDistinctBytes()
    {
        ExternalTool.Require("tar");
        var source = _tmp.Combine("src");
        Directory.CreateDirectory(source);
        var archive = _tmp.Combine("n.tar");

        // GNU tar takes the names from the file system as bytes: create them with a shell, which does not decode them.
        ExternalTool.Run("sh", ["-c", "cd \"$1\" && printf 1 > \"$(printf 'caf\\351')\" && printf 2 > \"$(printf 'caf\\350')\" && tar -cf \"$2\" --sort=name caf*", "sh", source, archive]).EnsureSuccess("tar -c");
        using var reader = new TarArchiveReader(File.OpenRead(archive));
        var entries = reader.EnumerateEntries().Select(e => (Bytes: e.NameBytes.ToArray(), e.HasUtf8Names, e.EscapedName)).ToList();
        Assert.Equal([[(byte)'c', (byte)'a', (byte)'f', 0xE8], [(byte)'c', (byte)'a', (byte)'f', 0xE9]], entries.Select(e => e.Bytes));
        Assert.All(entries, e => Assert.False(e.HasUtf8Names));
        Assert.Equal([@"caf\350", @"caf\351"], entries.Select(e => e.EscapedName));
    }

    [Fact]
    public void GetNextEntry_BadHeaderChecksum_InvalidTarNamingTheSourceAndOffset()
    {
        var tar = Tar(("a", "x"), ("b", "y"));
        tar[512 + 512 + 3] ^= 0x20;
        using var reader = new TarArchiveReader(new MemoryStream(tar), sourceName: "pkg.deb", memberName: "data.tar");
        Assert.NotNull(reader.GetNextEntry());
        var ex = Assert.Throws<InvalidFormatException>(() => reader.GetNextEntry());
        Assert.Equal(CoreErrorCodes.InvalidTar, ex.ErrorCode);
        Assert.Contains("pkg.deb", ex.Message, StringComparison.Ordinal);
        Assert.Contains("offset 1024", ex.Message, StringComparison.Ordinal);
        Assert.Contains("after 'a'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DataStream_TruncatedContent_InvalidTar()
    {
        var tar = Tar(("a", new string('x', 2000)));
        using var reader = new TarArchiveReader(new MemoryStream(tar[..1000]), sourceName: "short.tar");
        var entry = reader.GetNextEntry()!;
        var ex = Assert.Throws<InvalidFormatException>(() => entry.DataStream.CopyTo(Stream.Null));
        Assert.Equal(CoreErrorCodes.InvalidTar, ex.ErrorCode);
        Assert.Contains("truncated", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData((byte)'S', "sparse")]
    [InlineData((byte)'M', "multi-volume")]
    [InlineData((byte)'Z', "not supported")]
    public void GetNextEntry_UnsupportedTypeFlag_UnsupportedTarEntry(byte flag, string text)
    {
        var tar = Tar(("a", "x"));
        tar[156] = flag;
        RechecksumHeader(tar, 0);
        using var reader = new TarArchiveReader(new MemoryStream(tar), sourceName: "x.tar");
        var ex = Assert.Throws<InvalidFormatException>(() => reader.GetNextEntry());
        Assert.Equal(CoreErrorCodes.UnsupportedTarEntry, ex.ErrorCode);
        Assert.Contains(text, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GetNextEntry_HugeGnuLongName_RefusedBeforeAllocating()
    {
        var tar = Tar(("a", "x"));
        tar[156] = (byte)'L';
        Encoding.ASCII.GetBytes("77777777777\0").CopyTo(tar, 124);
        RechecksumHeader(tar, 0);
        using var reader = new TarArchiveReader(new MemoryStream(tar));
        Assert.Equal(CoreErrorCodes.InvalidTar, Assert.Throws<InvalidFormatException>(() => reader.GetNextEntry()).ErrorCode);
    }

    [Fact]
    public void GetNextEntry_SkippedContent_NextEntryStillFound()
    {
        using var reader = new TarArchiveReader(new MemoryStream(Tar(("a", new string('x', 5000)), ("b", "bee"))));
        Assert.Equal("a", reader.GetNextEntry()!.Name);
        var b = reader.GetNextEntry()!;
        Assert.Equal("b", b.Name);
        Assert.Equal("bee", new StreamReader(b.DataStream).ReadToEnd());
        Assert.Null(reader.GetNextEntry());
    }

    internal static byte[] Tar(params (string Name, string Content)[] files)
    {
        var output = new MemoryStream();
        using (var writer = new System.Formats.Tar.TarWriter(output, System.Formats.Tar.TarEntryFormat.Gnu, leaveOpen: true))
        {
            foreach (var (name, content) in files)
            {
                writer.WriteEntry(new System.Formats.Tar.GnuTarEntry(System.Formats.Tar.TarEntryType.RegularFile, name)
                {
                    DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content)),
                    Mode = (UnixFileMode)0x1A4,
                });
            }
        }

        return output.ToArray();
    }

    private static void RechecksumHeader(byte[] tar, int header)
    {
        var block = tar.AsSpan(header, 512);
        "        "u8.CopyTo(block[148..]);
        var sum = 0;
        foreach (var b in block)
        {
            sum += b;
        }

        Encoding.ASCII.GetBytes(Convert.ToString(sum, 8).PadLeft(6, '0') + "\0 ").CopyTo(block[148..]);
    }
}
