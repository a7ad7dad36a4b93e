using System.Text;
using AptOstree.Deb.Apt;
using AptOstree.Deb.Solver;
using AptOstree.Testing;

namespace AptOstree.Deb.Tests.Solver.Loading;

/// <summary>
/// Relationship fields stay bytes of the index until read: the Provides index read from those bytes, and the
/// mention order numbered from them, must equal what the texts give.
/// </summary>
public sealed class LazyRelationTextsTests
{
    private const string Stanza = "Package: a\nVersion: 1\nArchitecture: amd64\nDepends: b (>= 1),\n c | d\nProvides: v1 (= 2), v2\n";

    [Fact]
    public void Texts_fold_when_read_and_records_compare_by_text()
    {
        var lazy = PackageStanzaScanner.ReadAll(Encoding.UTF8.GetBytes(Stanza), null, "t")[0];
        var copy = lazy with { };
        var set = lazy with { Depends = "x" };
        Assert.Equal("b (>= 1), c | d", lazy.Depends);
        Assert.Equal("x", set.Depends);
        Assert.Equal("b (>= 1), c | d", lazy.Depends);
        Assert.Equal(lazy.Provides, set.Provides);
        Assert.Equal(lazy, copy);
        Assert.NotEqual(lazy, set);

        var materialized = new UniversePackage
        {
            Name = "a", Version = "1", Architecture = "amd64", Source = "a", Depends = "b (>= 1), c | d", Provides = "v1 (= 2), v2",
        };
        var fresh = PackageStanzaScanner.ReadAll(Encoding.UTF8.GetBytes(Stanza), null, "t")[0];
        Assert.Equal(materialized, fresh);
        Assert.Equal(materialized.GetHashCode(), fresh.GetHashCode());
    }

    [Theory]
    [InlineData("v1 (= 2), v2", true)]
    [InlineData("  v1(=2) ,\n v2 , ", true)]
    [InlineData("V1", false)]
    [InlineData("v1:any", false)]
    [InlineData("v1 (>= 2)", false)]
    [InlineData("v1 | v2", false)]
    [InlineData("v1 (= )", false)]
    [InlineData("v1,, v2", false)]
    public void Provides_reader_takes_only_the_common_syntax(string provides, bool common)
    {
        var list = new List<ProvidesReader.ProvidedName>();
        Assert.Equal(common, ProvidesReader.TryRead(Encoding.ASCII.GetBytes(provides), list));
        Assert.Equal(common, list.Count > 0);
    }

    [SkippableFact]
    public void Provides_read_from_bytes_equal_the_relation_compiler_on_the_host_lists()
    {
        var indexes = AptListsDirectory.FindPackagesIndexes(HostAptLists.Snapshot);
        Skip.If(indexes.Count == 0, "The host has no APT lists; run apt-get update.");
        int compared = 0;
        var provided = new List<ProvidesReader.ProvidedName>();
        foreach (string index in indexes)
        {
            foreach (var p in PackagesIndexReader.ReadFile(index, null))
            {
                provided.Clear();
                if (!p.Relations.TryGetRawAscii(RelationField.Provides, out var raw) || !ProvidesReader.TryRead(raw, provided))
                {
                    continue;
                }

                var fast = new List<(string, string?)>();
                foreach (var x in provided)
                {
                    fast.Add((Encoding.ASCII.GetString(raw.Slice(x.NameStart, x.NameLength)),
                        x.VersionLength < 0 ? null : Encoding.ASCII.GetString(raw.Slice(x.VersionStart, x.VersionLength))));
                }

                List<(string, string?)> general = p.Provides is null ? [] : RelationCompiler.ParseWithRelationSet(p.Provides, "Provides", p)
                    .SelectMany(g => g).Select(a => (a.Name, a.Operator == VersionOperator.Equal ? a.Version : null)).ToList();
                Assert.Equal(general, fast);
                compared++;
            }
        }

        Assert.True(compared > 1000, $"only {compared} Provides fields compared");
    }

    [SkippableFact]
    public void Mention_order_from_bytes_equals_the_order_from_texts_and_the_provider_order_is_its_restriction()
    {
        var universe = HostUniverse.Get();
        var packages = universe.Packages;
        var fromBytes = PackageMentionOrder.Build(packages);
        var materialized = packages.Select(p => p with
        {
            Depends = p.Depends, PreDepends = p.PreDepends, Recommends = p.Recommends, Suggests = p.Suggests,
            Conflicts = p.Conflicts, Breaks = p.Breaks, Replaces = p.Replaces, Provides = p.Provides,
        }).ToList();
        var fromTexts = PackageMentionOrder.Build(materialized);
        Assert.Equal(fromTexts.Count, fromBytes.Count);
        Assert.All(fromTexts, e => Assert.Equal(e.Value, fromBytes[e.Key]));

        var providerNames = packages.Where(p => p.Provides is not null).Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        var restricted = PackageMentionOrder.Build(packages, providerNames);
        var expected = providerNames.OrderBy(n => fromTexts[n]).ToList();
        Assert.Equal(expected, restricted.OrderBy(e => e.Value).Select(e => e.Key).ToList());
        Assert.Equal(Enumerable.Range(0, expected.Count), restricted.Values.Order());
    }
}
