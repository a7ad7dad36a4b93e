
namespace AptOstree.Deb.Tests.Versioning;

/// <summary>
/// dpkg's and apt's published version vectors (TestData/version-vectors.tsv), each checked against our
/// implementation AND against the host's real <c>dpkg --compare-versions</c> (the oracle).
/// </summary>
public class VersionVectorTests
{
    private static readonly IReadOnlyList<VersionVector> Vectors = VersionVector.Load();

    [Fact]
    public void Vector_file_holds_the_published_suites()
    {
        Assert.True(Vectors.Count(v => v.Kind == "cmp") >= 130, "expected the dpkg, apt and spec comparison vectors");
        Assert.Contains(Vectors, v => v.Source.StartsWith("D-C", StringComparison.Ordinal));
        Assert.Contains(Vectors, v => v.Source.StartsWith("D-P", StringComparison.Ordinal));
        Assert.Contains(Vectors, v => v.Source.StartsWith("A-L", StringComparison.Ordinal));
    }

    [Fact]
    public void Comparison_vectors_match_the_published_result()
    {
        foreach (var v in Vectors.Where(v => v.Kind == "cmp"))
        {
            var (a, b, expected) = (v.Fields[0], v.Fields[1], int.Parse(v.Fields[2]));
            Assert.True(expected == DebianVersion.Compare(a, b), $"{v}: got {DebianVersion.Compare(a, b)}");
            Assert.True(-expected == DebianVersion.Compare(b, a), $"{v} reversed");
            Assert.True(expected == DebianVersion.Parse(a).CompareTo(DebianVersion.Parse(b)), $"{v} (parsed)");
        }
    }

    [SkippableFact]
    public void Comparison_vectors_agree_with_dpkg_for_every_relation()
    {
        var relations = DpkgCompareVersions.RelationNames;
        var calls = new List<(string, string, string)>();
        foreach (var v in Vectors.Where(v => v.Kind == "cmp"))
        {
            foreach (var op in relations)
            {
                calls.Add((v.Fields[0], op, v.Fields[1]));
            }

            calls.Add((v.Fields[1], "lt", v.Fields[0]));
            calls.Add((v.Fields[1], "eq", v.Fields[0]));
            calls.Add((v.Fields[1], "gt", v.Fields[0]));
        }

        var dpkg = DpkgOracle.CompareVersions(calls);
        for (var i = 0; i < calls.Count; i++)
        {
            var (a, op, b) = calls[i];
            var ours = DpkgCompareVersions.Evaluate(a, op, b) ? 0 : 1;
            Assert.True(dpkg[i] == ours, $"dpkg --compare-versions '{a}' {op} '{b}' exited {dpkg[i]}, we say {ours}");
        }

        // The published expectation agrees with the host dpkg too (so the data file holds facts, not our output).
        foreach (var v in Vectors.Where(v => v.Kind == "cmp"))
        {
            var i = calls.FindIndex(c => c.Item1 == v.Fields[0] && c.Item2 == "lt" && c.Item3 == v.Fields[1]);
            var j = calls.FindIndex(c => c.Item1 == v.Fields[0] && c.Item2 == "eq" && c.Item3 == v.Fields[1]);
            var dpkgSays = dpkg[i] == 0 ? -1 : dpkg[j] == 0 ? 0 : 1;
            Assert.True(int.Parse(v.Fields[2]) == dpkgSays, $"{v}: dpkg says {dpkgSays}");
        }
    }

    [SkippableFact]
    public void Rejected_versions_are_rejected_by_dpkg_and_by_us()
    {
        var bad = Vectors.Where(v => v.Kind == "bad").ToList();
        Assert.NotEmpty(bad);
        foreach (var v in bad)
        {
            Assert.False(DebianVersion.TryParse(v.Fields[0], out _), v.ToString());
            Assert.Throws<DebianVersionFormatException>(() => DebianVersion.Parse(v.Fields[0]));
        }

        // dpkg --compare-versions treats "" as "no version" rather than an error; every other rejected text is exit 2.
        var checkable = bad.Where(v => v.Fields[0].Length > 0).ToList();
        var dpkg = DpkgOracle.CompareVersions(checkable.Select(v => (v.Fields[0], "eq", "1")).ToList());
        for (var i = 0; i < checkable.Count; i++)
        {
            Assert.True(dpkg[i] == 2, $"{checkable[i]}: dpkg exited {dpkg[i]}");
            Assert.Throws<DebianVersionFormatException>(() => DpkgCompareVersions.Evaluate(checkable[i].Fields[0], "eq", "1"));
        }
    }

    [Fact]
    public void Rejected_versions_fail_the_string_comparison_with_the_code_parse_gives()
    {
        var bad = Vectors.Where(v => v.Kind == "bad").Select(v => v.Fields[0]).Concat([" ", "1.0 1", " 1:2 3 ", "1:", "a:1", "1.0-", "-1", "1:-1"]);
        foreach (var text in bad)
        {
            var expected = Assert.Throws<DebianVersionFormatException>(() => DebianVersion.Parse(text)).ErrorCode;
            Assert.True(expected == Assert.Throws<DebianVersionFormatException>(() => DebianVersion.Compare(text, "1.0")).ErrorCode, $"'{text}' on the left");
            Assert.True(expected == Assert.Throws<DebianVersionFormatException>(() => DebianVersion.Compare("1.0", text)).ErrorCode, $"'{text}' on the right");
        }
    }

    [SkippableFact]
    public void Warned_versions_are_accepted_with_a_warning_like_dpkg()
    {
        var warned = Vectors.Where(v => v.Kind == "warn").ToList();
        Assert.True(warned.Count >= 40);
        foreach (var v in warned)
        {
            var parsed = DebianVersion.Parse(v.Fields[0]);
            Assert.True(parsed.Warning is not null, $"{v}: expected a warning");
            var dpkg = DpkgOracle.CompareOnce(v.Fields[0], "eq", v.Fields[0]);
            Assert.True(dpkg.ExitCode == 0, $"{v}: dpkg exited {dpkg.ExitCode}: {dpkg.StandardError}");
            Assert.Contains("warning", dpkg.StandardError, StringComparison.Ordinal);
            Assert.True(DpkgCompareVersions.Evaluate(v.Fields[0], "eq", v.Fields[0]));
        }
    }

    [SkippableFact]
    public void Parse_vectors_split_like_dpkg()
    {
        var parses = Vectors.Where(v => v.Kind == "parse").ToList();
        Assert.NotEmpty(parses);
        foreach (var v in parses)
        {
            var parsed = DebianVersion.Parse(v.Fields[0]);
            Assert.Equal(int.Parse(v.Fields[1]), parsed.Epoch);
            Assert.Equal(v.Fields[2], parsed.Upstream);
            Assert.Equal(v.Fields[3], parsed.Revision);
            Assert.Null(parsed.Warning);
        }

        var dpkg = DpkgOracle.CompareVersions(parses.Select(v => (v.Fields[0], "eq", v.Fields[0])).ToList());
        Assert.All(dpkg, code => Assert.Equal(0, code));
    }

    [SkippableFact]
    public void Empty_and_unknown_versions_follow_dpkg_for_every_relation()
    {
        string[][] pairs = [["", "1.0"], ["1.0", ""], ["", ""], ["<unknown>", "1.0"], ["1.0", "<unknown>"], ["<unknown>", ""]];
        var calls = pairs.SelectMany(p => DpkgCompareVersions.RelationNames.Select(op => (p[0], op, p[1]))).ToList();
        var dpkg = DpkgOracle.CompareVersions(calls);
        for (var i = 0; i < calls.Count; i++)
        {
            var (a, op, b) = calls[i];
            Assert.True(dpkg[i] == (DpkgCompareVersions.Evaluate(a, op, b) ? 0 : 1), $"'{a}' {op} '{b}': dpkg exited {dpkg[i]}");
        }
    }

    [SkippableFact]
    public void Unknown_relation_is_an_error_like_dpkg()
    {
        Assert.Equal(2, DpkgOracle.CompareOnce("1", "lte", "2").ExitCode);
        var ex = Assert.Throws<DebianVersionFormatException>(() => DpkgCompareVersions.Evaluate("1", "lte", "2"));
        Assert.Equal(DebErrorCodes.VersionUnknownRelation, ex.ErrorCode);
    }
}
