using System.Diagnostics;
using System.Text;

namespace AptOstree.Core.Tests.Hashing;

public class ChecksumTests
{
    [Fact]
    public void Compute_EqualsSha256sumOfSameBytes()
    {
        var data = Encoding.UTF8.GetBytes("hello ostree\n");
        string path = Path.GetTempFileName();
        File.WriteAllBytes(path, data);
        try
        {
            var psi = new ProcessStartInfo("sha256sum", path) { RedirectStandardOutput = true };
            using var p = Process.Start(psi)!;
            string expected = p.StandardOutput.ReadToEnd().Split(' ')[0];
            p.WaitForExit();
            Assert.Equal(expected, Checksum.Compute(data).ToString());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Parse_RoundTripsAndIgnoresCase()
    {
        var c = Checksum.Compute("x"u8);
        Assert.Equal(c, Checksum.Parse(c.ToString().ToUpperInvariant()));
        Assert.Equal(c, Checksum.FromBytes(c.ToByteArray()));
    }

    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("zz00000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("00000000000000000000000000000000000000000000000000000000000000000")]
    public void Parse_BadText_ThrowsInvalidFormat(string text)
    {
        var ex = Assert.Throws<InvalidFormatException>(() => Checksum.Parse(text));
        Assert.Equal(CoreErrorCodes.InvalidChecksum, ex.ErrorCode);
        Assert.False(Checksum.TryParse(text, out _));
    }

    [Fact]
    public void Ordering_MatchesHexOrdering()
    {
        var sums = Enumerable.Range(0, 200).Select(i => Checksum.Compute(BitConverter.GetBytes(i))).ToList();
        var byValue = sums.OrderBy(s => s).Select(s => s.ToString()).ToList();
        var byText = sums.Select(s => s.ToString()).OrderBy(s => s, StringComparer.Ordinal).ToList();
        Assert.Equal(byText, byValue);
    }
}
