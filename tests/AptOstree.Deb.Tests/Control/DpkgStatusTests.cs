using AptOstree.Deb.Tests.Dpkg;
using AptOstree.Testing;

namespace AptOstree.Deb.Tests.Control;

/// <summary>The host's dpkg database (<c>/var/lib/dpkg/status</c>) read with our parser and checked against dpkg-query.</summary>
public class DpkgStatusTests
{
    private const string StatusFile = "/var/lib/dpkg/status";

    [SkippableFact]
    public void Status_file_matches_dpkg_query_and_round_trips()
    {
        ExternalTool.Require("dpkg-query");
        using var db = HostDpkgSnapshot.Take();
        var original = File.ReadAllBytes(db.StatusFile);
        List<Deb822Paragraph> paragraphs;
        using (var reader = new Deb822Reader(new MemoryStream(original), sourceName: StatusFile))
        {
            paragraphs = reader.ReadAll().ToList();
        }

        var dpkg = db.Query("${Package}\t${Architecture}\t${Version}\t${Status}\n")
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split('\t'))
            .ToDictionary(f => (f[0], f[1]), f => (Version: f[2], Status: f[3]));

        Assert.Equal(dpkg.Count, paragraphs.Count);
        foreach (var p in paragraphs)
        {
            var key = (p.GetRequiredValue("Package"), p.GetRequiredValue("Architecture"));
            Assert.True(dpkg.TryGetValue(key, out var expected), $"dpkg-query does not know {key}");
            Assert.Equal(expected.Status, p["Status"]);
            if (p["Version"] is { } version)
            {
                Assert.Equal(expected.Version, version);
                Assert.Equal(version, DebianVersion.Parse(version).OriginalText);
            }

            foreach (var field in new[] { "Depends", "Pre-Depends", "Recommends", "Suggests", "Breaks", "Conflicts", "Replaces", "Provides", "Enhances" })
            {
                if (p[field] is { } value)
                {
                    Assert.NotEmpty(RelationSet.ParseField(field, value));
                }
            }

            if (p.GetLines("Conffiles") is { } conffiles)
            {
                Assert.All(conffiles.Skip(1), line => Assert.StartsWith("/", line, StringComparison.Ordinal));
            }
        }

        using var output = new MemoryStream();
        using (var writer = new Deb822Writer(output, terminateParagraphs: true, leaveOpen: true))
        {
            paragraphs.ForEach(writer.Write);
        }

        Assert.True(original.AsSpan().SequenceEqual(output.ToArray()), "status file round trip is not byte-identical");
    }
}
