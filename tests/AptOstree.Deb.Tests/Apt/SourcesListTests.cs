using AptOstree.Deb.Apt;

namespace AptOstree.Deb.Tests.Apt;

public sealed class SourcesListTests
{
    [Fact]
    public void One_line_entries_with_options()
    {
        var s = SourcesList.ParseOneLine("# comment\ndeb [arch=amd64,arm64 signed-by=/k.gpg] http://h/debian bookworm main contrib # tail\ndeb file:/srv/flat ./\n", "x.list");
        Assert.Equal(2, s.Count);
        Assert.Equal(["amd64", "arm64"], s[0].Architectures);
        Assert.Equal("/k.gpg", s[0].SignedBy);
        Assert.Equal(["main", "contrib"], s[0].Components);
        Assert.Equal("http://h/debian/dists/bookworm", s[0].DistributionUri);
        Assert.Equal("h_debian_dists_bookworm", s[0].ListPrefix);
        Assert.True(s[1].IsFlat);
    }

    [Fact]
    public void Deb822_entries_expand_suites_and_keep_inline_keys()
    {
        var s = SourcesList.ParseDeb822("Types: deb\nURIs: http://h/debian\nSuites: bookworm bookworm-updates\nComponents: main\nSigned-By:\n -----BEGIN PGP PUBLIC KEY BLOCK-----\n .\n abc\n -----END PGP PUBLIC KEY BLOCK-----\n\nTypes: deb\nURIs: http://x\nSuites: y\nComponents: main\nEnabled: no\n", "d.sources");
        Assert.Equal(2, s.Count);
        Assert.Equal("bookworm-updates", s[1].Suite);
        Assert.StartsWith("-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nabc", s[0].SignedBy, StringComparison.Ordinal);
    }

    [Fact]
    public void Malformed_entries_are_our_exception()
    {
        var ex = Assert.Throws<InvalidFormatException>(() => SourcesList.ParseOneLine("deb http://h bookworm\n", "bad.list"));
        Assert.Equal(AptErrorCodes.InvalidSourceEntry, ex.ErrorCode);
        Assert.Contains("bad.list:1", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_host_sources_parse()
    {
        foreach (var source in SourcesList.LoadHost())
        {
            Assert.NotEmpty(source.Suite);
        }
    }
}
