using AptOstree.Deb.Tests.Control;
using AptOstree.Testing;

namespace AptOstree.Deb.Tests.Versioning;

/// <summary>
/// 100,000+ version pairs drawn from the distinct versions of the host's real Packages index (Version fields and the
/// versions inside relation fields), half random pairs and half neighbours in sorted order (near-identical strings,
/// where ordering bugs hide). Oracles: APT's C++ <c>version_compare</c> (python3-apt) and dpkg's own Perl
/// <c>Dpkg::Version::version_compare</c> (libdpkg-perl) for every pair, plus the real <c>dpkg --compare-versions</c>
/// binary for a 1,500-pair sample (forking dpkg 200,000 times would take minutes).
/// </summary>
public class IndexVersionPairsTests
{
    private const int PairCount = 100_000;
    private static readonly Lazy<(string[] Versions, (string A, string B)[] Pairs)> Data = new(Build);

    [SkippableFact]
    public void Pairs_from_the_real_index_order_like_apt()
    {
        var (_, pairs) = Data.Value;
        AptPkgOracle.Require();
        using var dir = new TempDirectory("aptostree-versions-");
        var input = WritePairs(dir, pairs);
        var output = AptPkgOracle.RunScript(
            """
            out = []
            for line in open(sys.argv[1]):
                a, b = line.rstrip("\n").split("\t")
                c = apt_pkg.version_compare(a, b)
                out.append("-1" if c < 0 else ("1" if c > 0 else "0"))
            print("\n".join(out))
            """,
            input);
        AssertAgree(pairs, output, "apt_pkg.version_compare");
    }

    [SkippableFact]
    public void Pairs_from_the_real_index_order_like_dpkg_perl()
    {
        var (_, pairs) = Data.Value;
        ExternalTool.Require("perl");
        Skip.If(ExternalTool.Run("perl", ["-MDpkg::Version", "-e", "1"]).ExitCode != 0, "libdpkg-perl (Dpkg::Version) is not installed; dpkg-dev brings it.");
        using var dir = new TempDirectory("aptostree-versions-");
        var input = WritePairs(dir, pairs);
        var output = ExternalTool.Run(
            "perl",
            ["-MDpkg::Version", "-ne", "chomp; my ($a, $b) = split /\\t/; my $c = version_compare($a, $b); print $c <=> 0, \"\\n\";", input])
            .EnsureSuccess("perl Dpkg::Version").StandardOutput;
        AssertAgree(pairs, output, "Dpkg::Version::version_compare");
    }

    [SkippableFact]
    public void Sample_of_pairs_orders_like_the_dpkg_binary()
    {
        var (_, pairs) = Data.Value;
        var sample = pairs.Where((_, i) => i % (PairCount / 1500) == 0).Take(1500).ToArray();
        var calls = sample.SelectMany(p => new[] { (p.A, "lt", p.B), (p.A, "eq", p.B) }).ToList();
        var dpkg = DpkgOracle.CompareVersions(calls);
        for (var i = 0; i < sample.Length; i++)
        {
            var dpkgSays = dpkg[2 * i] == 0 ? -1 : dpkg[(2 * i) + 1] == 0 ? 0 : 1;
            Assert.True(dpkg[2 * i] != 2 && dpkg[(2 * i) + 1] != 2, $"dpkg rejected '{sample[i].A}' or '{sample[i].B}'");
            Assert.True(dpkgSays == DebianVersion.Compare(sample[i].A, sample[i].B), $"'{sample[i].A}' vs '{sample[i].B}': dpkg says {dpkgSays}");
        }
    }

    [SkippableFact]
    public void String_path_and_parsed_path_agree_on_every_pair()
    {
        var (_, pairs) = Data.Value;
        var mismatches = new List<string>();
        foreach (var (a, b) in pairs)
        {
            var parsed = DebianVersion.Parse(a).CompareTo(DebianVersion.Parse(b));
            var fromText = DebianVersion.Compare(a, b);
            var fromSpans = DebianVersion.Compare(a.AsSpan(), b.AsSpan());
            if (parsed != fromText || parsed != fromSpans)
            {
                mismatches.Add($"'{a}' vs '{b}': parsed {parsed}, Compare(string, string) {fromText}, Compare(span, span) {fromSpans}");
            }
        }

        Assert.True(mismatches.Count == 0, $"{mismatches.Count} of {pairs.Length} differ:\n" + string.Join('\n', mismatches.Take(20)));
    }

    [SkippableFact]
    public void Index_supplies_enough_distinct_versions()
    {
        var (versions, pairs) = Data.Value;
        Assert.True(versions.Length > 20_000, $"only {versions.Length} distinct versions");
        Assert.Equal(PairCount, pairs.Length);
        Assert.Equal(PairCount, pairs.Distinct().Count());
    }

    private static void AssertAgree((string A, string B)[] pairs, string output, string oracle)
    {
        var answers = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(pairs.Length, answers.Length);
        var mismatches = new List<string>();
        for (var i = 0; i < pairs.Length; i++)
        {
            var ours = DebianVersion.Compare(pairs[i].A, pairs[i].B);
            if (ours != int.Parse(answers[i]))
            {
                mismatches.Add($"'{pairs[i].A}' vs '{pairs[i].B}': {oracle} {answers[i]}, ours {ours}");
            }
        }

        Assert.True(mismatches.Count == 0, $"{mismatches.Count} of {pairs.Length} differ:\n" + string.Join('\n', mismatches.Take(20)));
    }

    private static string WritePairs(TempDirectory dir, (string A, string B)[] pairs)
    {
        var path = Path.Combine(dir.Path, "pairs.tsv");
        File.WriteAllLines(path, pairs.Select(p => p.A + "\t" + p.B));
        return path;
    }

    private static (string[], (string, string)[]) Build()
    {
        var distinct = new HashSet<string>(StringComparer.Ordinal);
        using (var reader = new Deb822Reader(File.OpenRead(HostPackagesIndex.Get())))
        {
            foreach (var p in reader.ReadAll())
            {
                distinct.Add(p.GetRequiredValue("Version"));
                foreach (var field in new[] { "Depends", "Breaks", "Replaces", "Provides" })
                {
                    if (p[field] is { } value)
                    {
                        foreach (var r in RelationSet.Parse(value).AllRelations)
                        {
                            if (r.Version is not null)
                            {
                                distinct.Add(r.Version.OriginalText);
                            }
                        }
                    }
                }
            }
        }

        var versions = distinct.Order(StringComparer.Ordinal).ToArray();
        var pairs = new HashSet<(string, string)>();
        // Neighbours in ordinal order: near-identical strings (1.2.3-1 / 1.2.3-1+b1 / 1.2.3~rc1-1).
        for (var i = 0; i + 1 < versions.Length && pairs.Count < PairCount / 2; i++)
        {
            pairs.Add(i % 2 == 0 ? (versions[i], versions[i + 1]) : (versions[i + 1], versions[i]));
        }

        var random = new Random(20261126);
        while (pairs.Count < PairCount)
        {
            pairs.Add((versions[random.Next(versions.Length)], versions[random.Next(versions.Length)]));
        }

        return (versions, pairs.ToArray());
    }
}
