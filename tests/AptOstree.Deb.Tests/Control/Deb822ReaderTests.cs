using System.Text;

namespace AptOstree.Deb.Tests.Control;

public class Deb822ReaderTests
{
    [Fact]
    public void Reads_paragraphs_separated_by_blank_and_whitespace_only_lines()
    {
        const string text = "\n\nA: 1\nB: 2\n\n \t\nA: 3\n\n\n";
        var paragraphs = Deb822Reader.ParseAll(text);
        Assert.Equal(2, paragraphs.Count);
        Assert.Equal("2", paragraphs[0]["B"]);
        Assert.Equal("3", paragraphs[1]["A"]);
        Assert.Equal(7, paragraphs[1].LineNumber);
    }

    [Fact]
    public void Last_line_without_newline_is_read()
    {
        var p = Deb822Reader.ParseAll("A: 1\nB: 2");
        Assert.Equal("2", Assert.Single(p)["B"]);
    }

    [Fact]
    public void Stream_reading_crosses_buffer_boundaries_and_round_trips()
    {
        var sb = new StringBuilder();
        for (var i = 0; i < 5000; i++)
        {
            sb.Append("Package: pkg").Append(i).Append("\nDescription: caf\u00e9 \u2603 ").Append(new string('x', i % 300))
              .Append("\n line two\n .\n line four\n\n");
        }

        var text = sb.ToString();
        using var reader = new Deb822Reader(new MemoryStream(Encoding.UTF8.GetBytes(text)));
        var paragraphs = reader.ReadAll().ToList();
        Assert.Equal(5000, paragraphs.Count);
        Assert.Equal("pkg4999", paragraphs[^1]["Package"]);
        Assert.Equal(text, Deb822Writer.Format(paragraphs, terminateParagraphs: true));
    }

    [Fact]
    public async Task Async_reading_matches_sync_reading()
    {
        var bytes = Encoding.UTF8.GetBytes("A: 1\n\nA: 2\n continued\n");
        await using var reader = new Deb822Reader(new MemoryStream(bytes));
        var list = new List<Deb822Paragraph>();
        await foreach (var p in reader.ReadAllAsync())
        {
            list.Add(p);
        }

        Assert.Equal(["1", "2\n continued"], list.Select(p => p["A"]!));
    }

    [Fact]
    public void Invalid_utf8_is_a_format_error()
    {
        using var reader = new Deb822Reader(new MemoryStream([(byte)'A', (byte)':', (byte)' ', 0xff, 0xfe, (byte)'\n']), sourceName: "bad.txt");
        var ex = Assert.Throws<Deb822FormatException>(() => reader.Read());
        Assert.Equal(DebErrorCodes.Deb822InvalidEncoding, ex.ErrorCode);
        Assert.Contains("bad.txt", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Byte_order_mark_is_skipped()
    {
        using var reader = new Deb822Reader(new MemoryStream([0xEF, 0xBB, 0xBF, .. "A: 1\n"u8]));
        Assert.Equal("1", reader.Read()!["A"]);
    }

    [Fact]
    public void Writer_separates_paragraphs_without_trailing_blank_line_by_default()
    {
        var paragraphs = Deb822Reader.ParseAll("A: 1\n\nB: 2\n");
        Assert.Equal("A: 1\n\nB: 2\n", Deb822Writer.Format(paragraphs));
    }
}
