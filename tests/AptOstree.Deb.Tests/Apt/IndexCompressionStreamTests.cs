using AptOstree.Deb.Apt;
using AptOstree.Testing;

namespace AptOstree.Deb.Tests.Apt;

/// <summary>Index streams decode what gzip, xz and zstd wrote, and corrupt data read through them is our error.</summary>
public class IndexCompressionStreamTests
{
    [SkippableTheory]
    [InlineData("gzip", ".gz")]
    [InlineData("xz", ".xz")]
    [InlineData("zstd", ".zst")]
    [InlineData("bzip2", ".bz2")]
    [InlineData("lz4", ".lz4")]
    public void OpenFile_DecodesTheToolsOutput_AndCorruptDataIsInvalidCompression(string tool, string extension)
    {
        ExternalTool.Require(tool);
        using var tmp = new TempDirectory("index-stream-");
        string plain = tmp.Combine("Packages");
        var text = string.Concat(Enumerable.Range(0, 2000).Select(i => $"Package: p{i}\nVersion: 1.{i}\n\n"));
        File.WriteAllText(plain, text);
        string compressed = plain + extension;
        ExternalTool.Output(tool, tool == "lz4" ? ["-k", "-q", plain, compressed] : ["-k", "-q", plain]);

        using (var reader = new StreamReader(IndexCompressionFormats.OpenFile(compressed)))
        {
            Assert.Equal(text, reader.ReadToEnd());
        }

        byte[] bytes = File.ReadAllBytes(compressed);
        for (int i = bytes.Length / 3; i < bytes.Length / 3 + 16; i++)
        {
            bytes[i] ^= 0x5A;
        }

        string corrupt = tmp.Combine("corrupt" + extension);
        File.WriteAllBytes(corrupt, bytes);
        var ex = Assert.Throws<InvalidFormatException>(() =>
        {
            using var reader = new StreamReader(IndexCompressionFormats.OpenFile(corrupt));
            reader.ReadToEnd();
        });
        // One codec table and one guard for .deb members and indexes; an index's corruption is the index's error.
        string expectedCode = AptErrorCodes.InvalidCompression;
        Assert.Equal(expectedCode, ex.ErrorCode);
        Assert.Contains(corrupt, ex.Message, StringComparison.Ordinal);

        ex = Assert.Throws<InvalidFormatException>(() =>
        {
            using var stream = IndexCompressionFormats.OpenDecoded(new MemoryStream(bytes), IndexCompressionFormats.FromFileName(corrupt));
            stream.CopyTo(Stream.Null);
        });
        Assert.Equal(expectedCode, ex.ErrorCode);
    }
}
