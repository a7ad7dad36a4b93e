using AptOstree.OSTree.GVariant;

namespace AptOstree.OSTree.Tests.GVariant;

public class GVariantSerializerTests
{
    [Fact]
    public void HelloTxtChecksumStreamMatchesSpecBytes()
    {
        var header = FileHeader.ForFile(0, 0, 0x1A4);
        byte[] prefix = header.SerializeForChecksum();
        Assert.Equal("00000012000000000000000000000000000081A4000000000011", Convert.ToHexString(prefix));
        var checksum = Checksum.Compute([.. prefix, .. "hello\n"u8.ToArray()]);
        Assert.Equal("44f778e59f0a4748d6b0c90a47347212a231c4ad1e8f7ea5c5dffc7749153a6b", checksum.ToString());
    }

    [Fact]
    public void SymlinkChecksumStreamMatchesSpecBytes()
    {
        byte[] prefix = FileHeader.ForSymlink(0, 0, "hello.txt").SerializeForChecksum();
        Assert.Equal("0000001B00000000" + "00000000" + "00000000" + "0000A1FF" + "00000000" + "68656C6C6F2E74787400" + "1A", Convert.ToHexString(prefix));
    }

    [Fact]
    public void DefaultDirMetaMatchesSpec()
    {
        byte[] bytes = DirMeta.Default.Serialize();
        Assert.Equal("0000000000000000000041ED", Convert.ToHexString(bytes));
        Assert.StartsWith("446a0ef1", Checksum.Compute(bytes).ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void XattrArchiveHeaderMatchesSpec()
    {
        var header = FileHeader.ForFile(0, 0, 0x1A4, ExtendedAttribute.Canonicalize([new("user.b", "hello"u8.ToArray()), new("user.a", [0, 1, 0xff])]));
        string hex = Convert.ToHexString(header.SerializeArchiveHeader(1));
        Assert.EndsWith("00" + "757365722E6100" + "0001FF07" + "757365722E6200" + "68656C6C6F07" + "0B18" + "19", hex, StringComparison.Ordinal);
    }

    [Fact]
    public void RoundTripsNestedVariantsWithWideOffsets()
    {
        var items = Enumerable.Range(0, 3000).Select(i => (object)new object[] { $"name-{i}", new GVariantValue("as", new object[] { "x", "y" }) }).ToArray();
        byte[] bytes = GVariantSerializer.Serialize("a{sv}", items);
        var back = (object[])GVariantSerializer.Deserialize("a{sv}", bytes, "test");
        Assert.Equal(3000, back.Length);
        Assert.Equal("name-2999", ((object[])back[2999])[0]);
        Assert.Equal(bytes, GVariantSerializer.Serialize("a{sv}", back));
    }

    [Theory]
    [InlineData("(a(say)a(sayay))", "61000102FF")]
    [InlineData("(uuua(ayay))", "00000000")]
    [InlineData("s", "6162")]
    public void MalformedFramingThrowsInvalidFormat(string type, string hex)
    {
        var ex = Assert.ThrowsAny<InvalidFormatException>(() => GVariantSerializer.Deserialize(type, Convert.FromHexString(hex), "obj.dirtree"));
        Assert.Contains("obj.dirtree", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NonNormalOffsetWidthIsRejected()
    {
        // ("a", 1) with non-zero padding bytes: readable framing, but not normal form.
        var ex = Assert.Throws<InvalidFormatException>(() => GVariantSerializer.Deserialize("(su)", Convert.FromHexString("6100AAAA0100000002"), "x"));
        Assert.Contains("normal form", ex.Message, StringComparison.Ordinal);
        Assert.Equal(OstreeErrorCodes.InvalidGVariant, ex.ErrorCode);
    }
}
