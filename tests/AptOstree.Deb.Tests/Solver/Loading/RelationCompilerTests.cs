using AptOstree.Deb.Apt;
using AptOstree.Deb.Solver;
using AptOstree.Testing;

namespace AptOstree.Deb.Tests.Solver.Loading;

/// <summary>The solver's atoms from the one relation grammar: obsolete and unusual syntax read as APT reads it, errors with the index's code, a bounded name table.</summary>
public sealed class RelationCompilerTests
{
    private static readonly UniversePackage Owner = new() { Name = "owner", Version = "1", Architecture = "amd64" };

    [Theory]
    [InlineData("Depends", "a, b (>= 1:2.0-1) | c:any (<< 3), d:amd64,e:native(=1)", "a; b (>= 1:2.0-1) | c:any (<< 3); d:amd64; e:native (= 1)")]
    [InlineData("Depends", "  A-b.c+d (<= 1~rc1) ,  ", "a-b.c+d (<= 1~rc1)")]
    [InlineData("Depends", "a (> 1), b (< 2)", "a (>= 1); b (<= 2)")]
    [InlineData("Depends", "a (1.0)", "a (= 1.0)")]
    [InlineData("Depends", "a\n | b", "a | b")]
    [InlineData("Provides", "v (= 1), w", "v (= 1); w")]
    [InlineData("Depends", "", "")]
    public void Parse_UnusualButValidSyntax_GivesAptsAtoms(string field, string text, string expected)
    {
        var groups = RelationCompiler.Parse(text.Replace("\\n", "\n", StringComparison.Ordinal), field, Owner);
        Assert.Equal(expected, string.Join("; ", groups.Select(g => string.Join(" | ", g))));
    }

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

    [Fact]
    public void Parse_MoreDistinctNamesThanTheBound_SharedNameTableStaysBounded()
    {
        for (int start = 0; start < RelationCompiler.MaxSharedNames + 5000; start += 1000)
        {
            string text = string.Join(", ", Enumerable.Range(start, 1000).Select(i => $"bound-test-{i}"));
            Assert.Equal(1000, RelationCompiler.Parse(text, "Depends", Owner).Count);
        }

        Assert.InRange(RelationCompiler.SharedNameCount, 1, RelationCompiler.MaxSharedNames + Environment.ProcessorCount);
        Assert.Equal("bound-test-upper", RelationCompiler.Parse("Bound-Test-UPPER", "Depends", Owner)[0][0].Name);
    }
}
