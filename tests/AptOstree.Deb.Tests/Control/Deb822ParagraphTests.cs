
namespace AptOstree.Deb.Tests.Control;

public class Deb822ParagraphTests
{
    private const string Control =
        "Package: hello\n" +
        "Version: 2.10-3\n" +
        "Depends: libc6 (>= 2.34),\n" +
        " dpkg (>= 1.15)\n" +
        "Description: example package\n" +
        " The long description\n" +
        " .\n" +
        " second paragraph\n";

    [Fact]
    public void Fields_keep_order_and_look_up_case_insensitively()
    {
        var p = Deb822Paragraph.Parse(Control);
        Assert.Equal(["Package", "Version", "Depends", "Description"], p.Names);
        Assert.Equal("hello", p["package"]);
        Assert.Equal("2.10-3", p.GetValue("VERSION"));
        Assert.Null(p["Missing"]);
        Assert.Equal(Control, p.RawText);
    }

    [Fact]
    public void Folded_and_multiline_values()
    {
        var p = Deb822Paragraph.Parse(Control);
        Assert.Equal("libc6 (>= 2.34),\n dpkg (>= 1.15)", p["Depends"]);
        Assert.Equal("libc6 (>= 2.34), dpkg (>= 1.15)", p.GetFoldedValue("Depends"));
        Assert.Equal(["example package", "The long description", "", "second paragraph"], p.GetLines("Description")!);
    }

    [Fact]
    public void Multiline_value_with_empty_first_line_starts_with_newline()
    {
        var p = Deb822Paragraph.Parse("SHA256:\n abc 12 main/x\n def 34 main/y\nOrigin: Debian\n");
        Assert.Equal("\n abc 12 main/x\n def 34 main/y", p["SHA256"]);
        Assert.Equal(["", "abc 12 main/x", "def 34 main/y"], p.GetLines("sha256")!);
        Assert.Equal("Debian", p["Origin"]);
    }

    [Fact]
    public void Trailing_blanks_and_blanks_after_colon_are_not_part_of_the_value()
    {
        var p = Deb822Paragraph.Parse("A:   x y  \t\nB:\t\tz\r\nC:\n");
        Assert.Equal("x y", p["A"]);
        Assert.Equal("z", p["B"]);
        Assert.Equal("", p["C"]);
    }

    [Fact]
    public void With_replaces_in_place_and_keeps_other_fields_byte_identical()
    {
        var p = Deb822Paragraph.Parse(Control);
        var q = p.With("version", "2.10-4");
        Assert.Equal(Control.Replace("Version: 2.10-3", "version: 2.10-4", StringComparison.Ordinal), q.RawText);
        Assert.Equal("2.10-4", q["Version"]);
        var r = q.With("Section", "devel").Without("Depends");
        Assert.Equal(["Package", "version", "Description", "Section"], r.Names);
        Assert.Equal("2.10-3", p["Version"]);
    }

    [Fact]
    public void Create_formats_multiline_values()
    {
        var p = Deb822Paragraph.Create(("Package", "x"), ("Description", "short\nlong line\n\n more"));
        Assert.Equal("Package: x\nDescription: short\n long line\n .\n more\n", p.RawText);
        Assert.Equal(["short", "long line", "", "more"], p.GetLines("Description")!);
    }

    [Fact]
    public void GetRequiredValue_names_the_missing_field()
    {
        var p = Deb822Paragraph.Parse(Control);
        var ex = Assert.Throws<Deb822FormatException>(() => p.GetRequiredValue("Architecture"));
        Assert.Equal(DebErrorCodes.Deb822MissingField, ex.ErrorCode);
        Assert.Contains("Architecture", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(" leading continuation\n", DebErrorCodes.Deb822ContinuationWithoutField, 1)]
    [InlineData("Package: x\nno colon here\n", DebErrorCodes.Deb822MissingColon, 2)]
    [InlineData("Package: x\npackage: y\n", DebErrorCodes.Deb822DuplicateField, 2)]
    [InlineData("Package: x\n: y\n", DebErrorCodes.Deb822InvalidFieldName, 2)]
    [InlineData("Pack age: x\n", DebErrorCodes.Deb822InvalidFieldName, 1)]
    [InlineData("#Package: x\n", DebErrorCodes.Deb822InvalidFieldName, 1)]
    [InlineData("# comment\nPackage: x\n", DebErrorCodes.Deb822MissingColon, 1)]
    public void Malformed_text_throws_with_code_and_line(string text, string code, int line)
    {
        var ex = Assert.Throws<Deb822FormatException>(() => Deb822Paragraph.Parse(text));
        Assert.Equal(code, ex.ErrorCode);
        Assert.Equal(line, ex.LineNumber);
    }

    [Fact]
    public void Parse_rejects_two_paragraphs()
    {
        var ex = Assert.Throws<Deb822FormatException>(() => Deb822Paragraph.Parse("A: 1\n\nB: 2\n"));
        Assert.Equal(DebErrorCodes.Deb822MultipleParagraphs, ex.ErrorCode);
        Assert.Equal(3, ex.LineNumber);
    }

    [Fact]
    public void Comments_are_skipped_in_control_files_but_kept_in_raw_text()
    {
        const string text = "# leading\nSource: x\n# between\nBuild-Depends: a,\n# inside\n b\n";
        var p = Deb822Paragraph.Parse(text, Deb822ReaderOptions.ControlFile);
        Assert.Equal(["Source", "Build-Depends"], p.Names);
        Assert.Equal("a,\n b", p["Build-Depends"]);
        Assert.Equal(text, p.RawText);
    }
}
