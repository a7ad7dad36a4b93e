using AptOstree.Deb.Apt;
using AptOstree.Deb.Solver;

namespace AptOstree.Deb.Tests.Solver.Loading;

/// <summary>The solver's direct relation reader gives the atoms of the general <c>RelationSet</c> path.</summary>
public sealed class RelationCompilerTests
{
    private static readonly UniversePackage Owner = new() { Name = "owner", Version = "1", Architecture = "amd64" };

    [SkippableFact]
    public void Every_relation_field_of_the_host_lists_gives_the_same_atoms()
    {
        var indexes = AptListsDirectory.FindPackagesIndexes();
        Skip.If(indexes.Count == 0, "The host has no APT lists in /var/lib/apt/lists; run apt-get update.");
        int fields = 0;
        foreach (string index in indexes)
        {
            foreach (var p in PackagesIndexReader.ReadFile(index, null))
            {
                foreach (var (field, text) in new[] { ("Depends", p.Depends), ("Pre-Depends", p.PreDepends), ("Recommends", p.Recommends), ("Conflicts", p.Conflicts), ("Breaks", p.Breaks), ("Provides", p.Provides) })
                {
                    if (text is not null)
                    {
                        AssertSame(text, field);
                        fields++;
                    }
                }
            }
        }

        Assert.True(fields > 1000);
    }

    [Theory]
    [InlineData("Depends", "a, b (>= 1:2.0-1) | c:any (<< 3), d:amd64,e:native(=1)")]
    [InlineData("Depends", "  A-b.c+d (<= 1~rc1) ,  ")]
    [InlineData("Depends", "a (> 1), b (< 2)")]
    [InlineData("Depends", "a (1.0)")]
    [InlineData("Depends", "a\n | b")]
    [InlineData("Provides", "v (= 1), w")]
    public void Unusual_syntax_gives_the_same_atoms(string field, string text) => AssertSame(text.Replace("\\n", "\n", StringComparison.Ordinal), field);

    [Theory]
    [InlineData("Depends", "a [amd64], b <!nocheck>")]
    [InlineData("Depends", "a,,b")]
    [InlineData("Depends", "a (>= )")]
    [InlineData("Depends", "a (>= 1")]
    [InlineData("Depends", "-a")]
    [InlineData("Depends", "a (!= 1)")]
    [InlineData("Depends", "a (>= x:y)")]
    [InlineData("Conflicts", "a | b")]
    [InlineData("Provides", "v (>= 1)")]
    public void Malformed_fields_fail_with_the_index_error_code(string field, string text)
    {
        var ex = Assert.ThrowsAny<InvalidFormatException>(() => RelationCompiler.Parse(text, field, Owner));
        Assert.Equal(AptErrorCodes.InvalidIndexStanza, ex.ErrorCode);
    }

    private static void AssertSame(string text, string field)
    {
        var expected = RelationCompiler.ParseWithRelationSet(text, field, Owner);
        var actual = RelationCompiler.Parse(text, field, Owner);
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i], actual[i]);
        }
    }
}
