using AptOstree.OSTree.GVariant;
using AptOstree.Testing;

namespace AptOstree.OSTree.Tests.GVariant;

/// <summary>
/// The GVariant text format against ostree (GLib): what <c>ostree commit --add-metadata</c> stores for a text, we parse
/// to the same bytes; what <c>ostree show --print-metadata-key</c> prints for a value (byte-swapped, as ostree does), we print.
/// </summary>
public class GVariantTextTests
{
    private static readonly string[] Texts =
    [
        "true", "42", "-7", "3.5", "uint32 7", "<int16 -3>", "uint64 18446744073709551615", "byte 0xff", "'it\\'s'",
        "\"tab\\tquote'\"", "b'bytes'", "[1, 2, 3]", "@as []", "['a', 'b']", "{'k': <1>, 'l': <'v'>}", "(1, 'two', [true])",
        "objectpath '/org/x'", "signature 'a{sv}'", "[b'x', b'y']", "<<'nested'>>", "'ünïcödé'", "[(byte 1, 'a')]",
    ];

    [SkippableFact]
    public void ParseAndPrint_AgreeWithOstreeAddMetadataAndPrintMetadataKey()
    {
        ExternalTool.Require("ostree");
        using var tmp = new TempDirectory("gvariant-text-");
        string tree = tmp.Combine("tree");
        Directory.CreateDirectory(tree);
        string repoPath = tmp.Combine("repo");
        OstreeTestTrees.Ostree("--repo=" + repoPath, "init", "--mode=archive");
        var args = new List<string> { "--repo=" + repoPath, "commit", "-b", "text", "--timestamp=@0" };
        args.AddRange(Texts.Select((text, i) => $"--add-metadata=k{i}={text}"));
        args.Add(tree);
        string checksum = OstreeTestTrees.Ostree([.. args]).Trim();

        var commit = OstreeRepository.Open(repoPath).Objects.ReadCommit(Checksum.Parse(checksum));
        for (int i = 0; i < Texts.Length; i++)
        {
            var stored = commit.GetMetadata("k" + i)!;
            var parsed = GVariantText.Parse(Texts[i]);
            Assert.Equal(stored.Type, parsed.Type);
            Assert.Equal(GVariantSerializer.Serialize(stored.Type, stored.Value), GVariantSerializer.Serialize(parsed.Type, parsed.Value));

            // ostree byte-swaps a commit's values before printing them on a little-endian host.
            string printed = OstreeTestTrees.Ostree("--repo=" + repoPath, "show", "--print-metadata-key=k" + i, checksum);
            Assert.Equal(printed, GVariantText.Print(stored.Type, GVariantText.ByteSwap(stored.Value)) + "\n");
        }
    }

    [Theory]
    [InlineData("[1, 'a']")]
    [InlineData("(1")]
    [InlineData("uint32 -1")]
    [InlineData("1 2")]
    [InlineData("")]
    public void Parse_BadText_IsOurErrorNamingTheOffset(string text)
    {
        var ex = Assert.Throws<AptOstreeException>(() => GVariantText.Parse(text));
        Assert.Equal(OstreeErrorCodes.InvalidOption, ex.ErrorCode);
        Assert.Contains(" at ", ex.Message, StringComparison.Ordinal);
    }
}
