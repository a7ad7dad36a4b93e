using System.Text;
using AptOstree.OSTree.GVariant;
using AptOstree.Testing;

namespace AptOstree.OSTree.Tests.Fuzz;

/// <summary>Inputs the fuzz tests (or their nesting bombs) found, each built programmatically: now our exception.</summary>
public class FuzzRegressionTests
{
    private const int Bomb = 100_000;

    [Theory]
    [InlineData("a{}")]
    [InlineData("{}")]
    [InlineData("{s}")]
    [InlineData("{sss}")]
    [InlineData("a{vs}")]
    [InlineData("{(s)s}")]
    public void VariantWithAMalformedDictEntryType_IsOurError(string type)
    {
        // "a{}" has 1-byte elements; before, it parsed and then printing it threw IndexOutOfRange.
        byte[] data = [0, 0, 0, .. Encoding.ASCII.GetBytes(type)];
        var ex = Assert.ThrowsAny<InvalidFormatException>(() => GVariantSerializer.Deserialize("v", data, "bomb.commit", requireNormalForm: false));
        Assert.Contains("bomb.commit", ex.Message, StringComparison.Ordinal);
        Assert.Contains("invalid type", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData('a')]
    [InlineData('(')]
    public void VariantTypeNestedDeeperThanGLibAllows_IsOurErrorNotAStackOverflow(char nesting)
    {
        string type = nesting == 'a' ? new string('a', Bomb) + "y" : new string('(', Bomb) + new string(')', Bomb);
        byte[] data = [0, .. Encoding.ASCII.GetBytes(type)];
        var ex = Assert.ThrowsAny<InvalidFormatException>(() => GVariantSerializer.Deserialize("v", data, "bomb.commit", requireNormalForm: false));
        Assert.Contains("invalid type", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void VariantsNestedInVariants_AreOurErrorNotAStackOverflow()
    {
        var data = new List<byte>("x\0\0s"u8.ToArray());
        for (int i = 0; i < Bomb; i++)
        {
            data.AddRange("\0v"u8.ToArray());
        }

        var ex = Assert.ThrowsAny<InvalidFormatException>(() => GVariantSerializer.Deserialize("v", data.ToArray(), "bomb.commit", requireNormalForm: false));
        Assert.Contains("bomb.commit", ex.Message, StringComparison.Ordinal);
        Assert.Contains("nest", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CommitMetadataNestedDeeperThanGLibAllows_IsRefusedButShallowNestingIsFine()
    {
        var tree = Checksum.Compute("t"u8);
        var meta = Checksum.Compute("m"u8);
        byte[] Commit(int depth)
        {
            var value = GVariantValue.FromString("inner");
            for (int i = 0; i < depth; i++)
            {
                value = new GVariantValue("v", value);
            }

            return new OstreeCommit([new("deep", value)], null, "s", string.Empty, 0, tree, meta).Serialize();
        }

        Assert.Equal("deep", OstreeCommit.Parse(Commit(100), "ok.commit").Metadata[0].Key);
        var ex = Assert.ThrowsAny<InvalidFormatException>(() => OstreeCommit.Parse(Commit(200), "deep.commit"));
        Assert.Contains("deep.commit", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("'a\\u0000b'")]
    [InlineData("'a\0b'")]
    [InlineData("objectpath '/a\\u0000'")]
    public void Text_StringWithANul_IsOurError(string text) => AssertTextRefused(text);

    [Theory]
    [InlineData("'\\uzzzz'")]
    [InlineData("'\\u0fcn'")]
    public void Text_BadUnicodeEscape_IsOurError(string text) => AssertTextRefused(text);

    [Theory]
    [InlineData("@a{ {'k': <1>}")]
    [InlineData("@a{} {'k': <1>}")]
    [InlineData("@a{} [1, 2]")]
    [InlineData("@a [1, 2]")]
    [InlineData("@aaz [1]")]
    [InlineData("@m 1")]
    [InlineData("{<1>: 2}")]
    [InlineData("{[1]: 2}")]
    [InlineData("<{<1>: 2}>")]
    [InlineData("@a{sv} [1, 2, 3]")]
    [InlineData("@(s) 1")]
    public void Text_InvalidTypes_AreOurError(string text) => AssertTextRefused(text);

    [Theory]
    [InlineData("objectpath")]
    [InlineData("signature ")]
    [InlineData("objectpath x")]
    public void Text_KeywordWithoutItsString_IsOurError(string text) => AssertTextRefused(text);

    [Theory]
    [InlineData("[", "]")]
    [InlineData("<", ">")]
    [InlineData("(", ")")]
    [InlineData("@av [<", ">]")]
    public void Text_NestedDeeperThanGLibAllows_IsOurErrorNotAStackOverflow(string open, string close)
    {
        var sb = new StringBuilder();
        for (int i = 0; i < Bomb; i++)
        {
            sb.Append(open);
        }

        sb.Append('1');
        for (int i = 0; i < Bomb; i++)
        {
            sb.Append(close);
        }

        AssertTextRefused(sb.ToString());
        Assert.Equal("av", GVariantText.Parse("@av [<" + new string('<', 50) + "1" + new string('>', 50) + ">]").Type);
    }

    [Theory]
    [InlineData("[(byte 0x01, uint32 2), (0x03, 4)]", "a(yu)")]
    [InlineData("@(yq) (1, 2)", "(yq)")]
    [InlineData("[(1, 'x'), (2, 'y')]", "a(is)")]
    public void Text_TupleMembersTakeTheExpectedTypes(string text, string type)
    {
        // An a(yu) prints with only its first element annotated; like g_variant_parse, the rest take its types.
        var value = GVariantText.Parse(text);
        Assert.Equal(type, value.Type);
        Assert.Equal(value.Value, GVariantSerializer.Deserialize(type, GVariantSerializer.Serialize(type, value.Value), "text"));
        if (text.StartsWith('['))
        {
            Assert.Equal(text, GVariantText.Print(type, value.Value));
        }
    }

    [Fact]
    public void Text_ChainOfAnnotations_IsOurErrorNotAStackOverflow() =>
        AssertTextRefused(string.Concat(Enumerable.Repeat("@i ", Bomb)) + "1");

    [Fact]
    public void Ed25519_PublicKeyThatIsNotACurvePoint_IsOurError()
    {
        byte[] notAPoint = new byte[32];
        var ex = Assert.Throws<AptOstreeException>(() => Ed25519Signatures.VerifyAny("data"u8, [new byte[64]], [notAPoint]));
        Assert.Equal(OstreeErrorCodes.InvalidKey, ex.ErrorCode);
    }

    [Fact]
    public void HostileVariantTypes_DoNotGrowTheTypeCacheWithoutBound()
    {
        for (int i = 0; i < GVariantTypeInfo.CacheLimit + 1000; i++)
        {
            string type = "(" + string.Concat(Enumerable.Repeat("y", 1 + (i % 64))) + "s" + new string('u', i / 64) + ")";
            try
            {
                GVariantSerializer.Deserialize("v", [0, .. Encoding.ASCII.GetBytes(type)], "many.commit", requireNormalForm: false);
            }
            catch (InvalidFormatException)
            {
            }
        }

        Assert.InRange(GVariantTypeInfo.CachedTypes, 1, GVariantTypeInfo.CacheLimit);
    }

    [Fact]
    public async Task ArchiveObjectWithCorruptDeflate_ReadsAsOurErrorNamingTheObject()
    {
        using var tmp = new TempDirectory("fuzz-regression-");
        var repo = OstreeRepository.Create(tmp.Combine("repo"), RepoMode.Archive);
        byte[] content = "hello, deflate\n"u8.ToArray();
        var checksum = repo.WriteContent(FileHeader.ForFile(0, 0, 0x1A4), new MemoryStream(content), content.Length);
        string path = repo.Objects.GetLoosePath(checksum, ObjectType.File);
        byte[] bytes = File.ReadAllBytes(path);
        FileHeader.ParseArchiveHeader(bytes, "x", out _, out int headerLength);
        bytes.AsSpan(headerLength).Fill(0xFF); // block type 3: "unsupported compression method"
        File.WriteAllBytes(path, bytes);

        using (var opened = repo.Objects.OpenContent(checksum))
        {
            var ex = Assert.Throws<OstreeObjectException>(() => opened.Content.CopyTo(Stream.Null));
            Assert.Equal(OstreeErrorCodes.CorruptObject, ex.ErrorCode);
            Assert.Contains(checksum + ".file", ex.Message, StringComparison.Ordinal);
        }

        var tree = DirTree.Create([new DirTreeFile("hello", checksum)], []);
        using (var tx = repo.BeginTransaction())
        {
            var meta = tx.WriteMetadata(ObjectType.DirMeta, DirMeta.Default.Serialize());
            var root = tx.WriteMetadata(ObjectType.DirTree, tree.Serialize());
            repo.Refs.Set("main", tx.WriteMetadata(ObjectType.Commit, new OstreeCommit([], null, "s", string.Empty, 0, root, meta).Serialize()));
            tx.Complete();
        }

        var target = OstreeRepository.Create(tmp.Combine("target"), RepoMode.Archive);
        await Assert.ThrowsAnyAsync<AptOstreeException>(() => target.PullLocalAsync(repo.Path, "main"));
        Assert.Contains(repo.Fsck().Problems, p => p.Object == new ObjectName(checksum, ObjectType.File));
    }

    [Fact]
    public void BareUserSymlinkWithANulInItsTarget_IsOurErrorAndFsckReportsIt()
    {
        using var tmp = new TempDirectory("fuzz-regression-");
        var repo = OstreeRepository.Create(tmp.Combine("repo"), RepoMode.BareUser);
        var checksum = repo.WriteContent(FileHeader.ForSymlink(0, 0, "target"), null, 0);
        string path = repo.Objects.GetLoosePath(checksum, ObjectType.File);
        using (var file = new FileStream(path, FileMode.Truncate, FileAccess.Write))
        {
            file.Write("tar\0get"u8);
        }

        var ex = Assert.ThrowsAny<OstreeObjectException>(() => repo.Objects.OpenContent(checksum));
        Assert.Contains(checksum + ".file", ex.Message, StringComparison.Ordinal);
        Assert.Contains(repo.Fsck().Problems, p => p.Object == new ObjectName(checksum, ObjectType.File));
    }

    private static void AssertTextRefused(string text)
    {
        var ex = Assert.ThrowsAny<AptOstreeException>(() => GVariantText.Parse(text));
        Assert.Equal(OstreeErrorCodes.InvalidOption, ex.ErrorCode);
        Assert.Contains(" at ", ex.Message, StringComparison.Ordinal);
    }
}
