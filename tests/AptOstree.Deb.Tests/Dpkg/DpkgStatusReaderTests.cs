using AptOstree.Deb.Dpkg;
using AptOstree.Testing;

namespace AptOstree.Deb.Tests.Dpkg;

public sealed class DpkgStatusReaderTests
{
    [SkippableFact]
    public void Host_status_equals_dpkg_query()
    {
        ExternalTool.Require("dpkg-query");
        using var db = HostDpkgSnapshot.Take();
        var ours = DpkgStatusReader.ReadFile(db.StatusFile).Select(p => $"{p.Name}:{p.Architecture} {p.Version}").Order(StringComparer.Ordinal).ToList();
        var expected = db.Query("${db:Status-Status} ${Package}:${Architecture} ${Version}\n")
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(l => l.Split(' ')[0] is "installed" or "unpacked" or "half-configured" or "half-installed" or "triggers-awaited" or "triggers-pending")
            .Select(l => l[(l.IndexOf(' ', StringComparison.Ordinal) + 1)..]).Order(StringComparer.Ordinal).ToList();
        Assert.NotEmpty(ours);
        Assert.Equal(expected, ours);
    }

    [Fact]
    public void Status_without_three_words_is_our_exception()
    {
        using var stream = new MemoryStream("Package: a\nStatus: install ok\nVersion: 1\nArchitecture: all\n"u8.ToArray());
        var ex = Assert.Throws<InvalidFormatException>(() => DpkgStatusReader.Read(stream));
        Assert.Equal(AptErrorCodes.InvalidIndexStanza, ex.ErrorCode);
    }
}
