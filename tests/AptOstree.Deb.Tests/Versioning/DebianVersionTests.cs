
namespace AptOstree.Deb.Tests.Versioning;

public class DebianVersionTests
{
    [Theory]
    [InlineData("1.0", 0, "1.0", "")]
    [InlineData("1:2.30+dfsg-1", 1, "2.30+dfsg", "1")]
    [InlineData("0:1.0-1~bpo1", 0, "1.0", "1~bpo1")]
    [InlineData("1.2-3-4", 0, "1.2-3", "4")]
    [InlineData("2:1:0-1", 2, "1:0", "1")]
    [InlineData("  1.0-1 \t", 0, "1.0", "1")]
    [InlineData("+1:0", 1, "0", "")]
    public void Parse_splits_epoch_upstream_and_revision(string text, int epoch, string upstream, string revision)
    {
        var v = DebianVersion.Parse(text);
        Assert.Equal(epoch, v.Epoch);
        Assert.Equal(upstream, v.Upstream);
        Assert.Equal(revision, v.Revision);
        Assert.Equal(text.Trim(), v.OriginalText);
    }

    [Theory]
    [InlineData("0:1.0-0", "1.0-0")]
    [InlineData("3:1.0", "3:1.0")]
    [InlineData("00:1.0-1", "1.0-1")]
    public void NormalizedText_drops_zero_epoch(string text, string normalized) =>
        Assert.Equal(normalized, DebianVersion.Parse(text).NormalizedText);

    [Theory]
    [InlineData("", DebErrorCodes.VersionEmpty)]
    [InlineData("   ", DebErrorCodes.VersionEmpty)]
    [InlineData("1.0 1", DebErrorCodes.VersionEmbeddedSpaces)]
    [InlineData(":1.0", DebErrorCodes.VersionEpochEmpty)]
    [InlineData("a:1.0", DebErrorCodes.VersionEpochEmpty)]
    [InlineData("1a:1.0", DebErrorCodes.VersionEpochNotNumber)]
    [InlineData("-1:0-1", DebErrorCodes.VersionEpochNegative)]
    [InlineData("999999999999999999999999:0-1", DebErrorCodes.VersionEpochTooBig)]
    [InlineData("2147483648:1", DebErrorCodes.VersionEpochTooBig)]
    [InlineData("0:", DebErrorCodes.VersionNothingAfterColon)]
    [InlineData("1.0-", DebErrorCodes.VersionRevisionEmpty)]
    [InlineData("-1", DebErrorCodes.VersionUpstreamEmpty)]
    [InlineData("1:-1", DebErrorCodes.VersionUpstreamEmpty)]
    public void Parse_rejects_what_dpkg_rejects_with_a_code(string text, string code)
    {
        var ex = Assert.Throws<DebianVersionFormatException>(() => DebianVersion.Parse(text));
        Assert.Equal(code, ex.ErrorCode);
        Assert.Contains($"'{text}'", ex.Message, StringComparison.Ordinal);
        Assert.False(DebianVersion.TryParse(text, out _));
    }

    [Theory]
    [InlineData("a1.0", "version number does not start with digit")]
    [InlineData("1.0_1", "invalid character in version number")]
    [InlineData("1.0-1_2", "invalid character in revision number")]
    [InlineData("1.0-1", null)]
    public void Warning_reports_dpkg_non_fatal_complaints(string text, string? warning) =>
        Assert.Equal(warning, DebianVersion.Parse(text).Warning);

    [Theory]
    [InlineData("1.0", "1.0-0")]
    [InlineData("0:1.0", "1.0")]
    [InlineData("1.00", "1.0")]
    [InlineData("1.0", "1.")]
    [InlineData("a", "a0")]
    [InlineData("1.010", "1.10")]
    public void Versions_that_compare_equal_are_equal_and_hash_equal(string a, string b)
    {
        var va = DebianVersion.Parse(a);
        var vb = DebianVersion.Parse(b);
        Assert.Equal(0, va.CompareTo(vb));
        Assert.True(va == vb);
        Assert.Equal(va, vb);
        Assert.Equal(va.GetHashCode(), vb.GetHashCode());
        Assert.Equal(0, DebianVersion.Compare(a, b));
    }

    [Fact]
    public void Operators_follow_the_ordering()
    {
        var low = DebianVersion.Parse("1.0~rc1");
        var high = DebianVersion.Parse("1.0");
        Assert.True(low < high);
        Assert.True(low <= high);
        Assert.True(high > low);
        Assert.True(high >= low);
        Assert.True(low != high);
        Assert.Equal(-1, DebianVersion.Compare("1.0~rc1", "1.0"));
        Assert.Equal(1, DebianVersion.Compare("1:0.1", "9.9"));
    }

    [Fact]
    public void Compare_fast_path_rejects_malformed_text()
    {
        var ex = Assert.Throws<DebianVersionFormatException>(() => DebianVersion.Compare("1.0", "1.0-"));
        Assert.Equal(DebErrorCodes.VersionRevisionEmpty, ex.ErrorCode);
    }

    [Fact]
    public void Sorting_with_the_comparer_orders_like_dpkg()
    {
        string[] expected = ["1.0~~", "1.0~", "1.0~rc1", "1.0", "1.0-1~bpo1", "1.0-1", "1.0-1+b1", "1.0a", "1.0+dfsg-1", "1.0.1", "1:0.1"];
        var shuffled = expected.Reverse().Select(DebianVersion.Parse).ToList();
        shuffled.Sort();
        Assert.Equal(expected, shuffled.Select(v => v.OriginalText));
    }
}
