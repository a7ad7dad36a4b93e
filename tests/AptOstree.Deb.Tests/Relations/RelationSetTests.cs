
namespace AptOstree.Deb.Tests.Relations;

public class RelationSetTests
{
    [Fact]
    public void Parses_groups_alternatives_versions_and_qualifiers()
    {
        var set = RelationSet.Parse("libc6 (>= 2.34), debconf (>= 0.5) | debconf-2.0,\n python3:any (<< 3.12), foo:amd64");
        Assert.Equal(4, set.Count);
        Assert.Equal("libc6", set[0][0].Name);
        Assert.Equal(RelationOperator.LaterOrEqual, set[0][0].Operator);
        Assert.Equal("2.34", set[0][0].Version!.OriginalText);
        Assert.True(set[1].HasAlternatives);
        Assert.Equal("debconf-2.0", set[1][1].Name);
        Assert.False(set[1][1].IsVersioned);
        Assert.True(set[2][0].ArchitectureQualifier!.IsAny);
        Assert.Equal("amd64", set[3][0].ArchitectureQualifier!.Name);
        Assert.Equal("libc6 (>= 2.34), debconf (>= 0.5) | debconf-2.0, python3:any (<< 3.12), foo:amd64", set.ToString());
    }

    [Theory]
    [InlineData("a (<< 1)", RelationOperator.StrictlyEarlier)]
    [InlineData("a (<= 1)", RelationOperator.EarlierOrEqual)]
    [InlineData("a (< 1)", RelationOperator.EarlierOrEqual)]
    [InlineData("a (= 1)", RelationOperator.Equal)]
    [InlineData("a (>= 1)", RelationOperator.LaterOrEqual)]
    [InlineData("a (> 1)", RelationOperator.LaterOrEqual)]
    [InlineData("a (>> 1)", RelationOperator.StrictlyLater)]
    [InlineData("a(>>1)", RelationOperator.StrictlyLater)]
    [InlineData("a ( >=  1 )", RelationOperator.LaterOrEqual)]
    public void Operators(string text, RelationOperator op) => Assert.Equal(op, Relation.Parse(text).Operator);

    [Fact]
    public void Architecture_restrictions_and_build_profiles()
    {
        var set = RelationSet.Parse("gcc-multilib [amd64 i386] <!nocheck> <stage1 cross>, libfoo-dev [!hurd-any !kfreebsd-any], bar <!nodoc>");
        var gcc = set[0][0];
        Assert.Equal(["amd64", "i386"], gcc.ArchitectureRestriction!.Architectures);
        Assert.False(gcc.ArchitectureRestriction.IsNegated);
        Assert.Equal(2, gcc.BuildProfiles!.Groups.Count);
        Assert.True(gcc.AppliesTo("amd64", []));
        Assert.False(gcc.AppliesTo("amd64", ["nocheck"]));
        Assert.True(gcc.AppliesTo("amd64", ["nocheck", "stage1", "cross"]));
        Assert.False(gcc.AppliesTo("arm64", []));
        Assert.True(set[1][0].AppliesTo("amd64", []));
        Assert.False(set[1][0].AppliesTo("hurd-i386", []));
        Assert.Equal("gcc-multilib [amd64 i386] <!nocheck> <stage1 cross>", gcc.ToString());

        var restricted = set.Restrict("arm64", ["nodoc"]);
        Assert.Equal("libfoo-dev [!hurd-any !kfreebsd-any]", restricted.ToString());
    }

    [Fact]
    public void Satisfies_evaluates_the_version_constraint()
    {
        var r = Relation.Parse("libc6 (>= 2.36-9)");
        Assert.True(r.Satisfies(DebianVersion.Parse("2.36-9+deb12u4")));
        Assert.False(r.Satisfies(DebianVersion.Parse("2.36-8")));
        Assert.True(Relation.Parse("x (<< 1.0)").Satisfies(DebianVersion.Parse("1.0~rc1")));
        Assert.True(Relation.Parse("x (= 1.0)").Satisfies(DebianVersion.Parse("1.0-0")));
        Assert.True(Relation.Parse("x").Satisfies(DebianVersion.Parse("9")));
    }

    [Fact]
    public void Versioned_provides_satisfy_only_matching_versioned_relations()
    {
        var provides = RelationSet.ParseField("Provides", "mail-transport-agent, libfoo-abi (= 2.1-1)");
        var mta = provides[0][0];
        var abi = provides[1][0];
        Assert.True(Relation.Parse("mail-transport-agent").IsSatisfiedByProvide(mta));
        Assert.False(Relation.Parse("mail-transport-agent (>= 1)").IsSatisfiedByProvide(mta));
        Assert.True(Relation.Parse("libfoo-abi (>= 2)").IsSatisfiedByProvide(abi));
        Assert.False(Relation.Parse("libfoo-abi (>> 2.1-1)").IsSatisfiedByProvide(abi));
        Assert.True(Relation.Parse("libfoo-abi").IsSatisfiedByProvide(abi));
        Assert.False(Relation.Parse("libbar").IsSatisfiedByProvide(abi));
    }

    [Fact]
    public void Empty_field_and_trailing_comma()
    {
        Assert.Empty(RelationSet.Parse("  \n "));
        Assert.Equal(2, RelationSet.Parse("a, b,").Count);
    }

    [Theory]
    [InlineData("a,, b", DebErrorCodes.RelationEmpty)]
    [InlineData("a (>= )", DebErrorCodes.RelationInvalidVersion)]
    [InlineData("a (>= 1.0-)", DebErrorCodes.RelationInvalidVersion)]
    [InlineData("a (>= 1.0", DebErrorCodes.RelationSyntax)]
    [InlineData("a (!= 1.0)", DebErrorCodes.RelationInvalidOperator)]
    [InlineData("a [amd64 !i386]", DebErrorCodes.RelationInvalidArchitectureRestriction)]
    [InlineData("a []", DebErrorCodes.RelationInvalidArchitectureRestriction)]
    [InlineData("a [amd64", DebErrorCodes.RelationInvalidArchitectureRestriction)]
    [InlineData("a <>", DebErrorCodes.RelationInvalidBuildProfile)]
    [InlineData("a <nocheck", DebErrorCodes.RelationInvalidBuildProfile)]
    [InlineData("a:", DebErrorCodes.RelationInvalidArchitectureQualifier)]
    [InlineData("| b", DebErrorCodes.RelationInvalidPackageName)]
    [InlineData("-a", DebErrorCodes.RelationInvalidPackageName)]
    [InlineData("a$b", DebErrorCodes.RelationInvalidPackageName)]
    [InlineData("a b", DebErrorCodes.RelationSyntax)]
    public void Malformed_relations_throw_with_code_field_and_text(string text, string code)
    {
        var ex = Assert.Throws<RelationFormatException>(() => RelationSet.Parse(text, RelationParseOptions.Default with { FieldName = "Build-Depends" }));
        Assert.Equal(code, ex.ErrorCode);
        Assert.Equal(text, ex.Text);
        Assert.Contains("Build-Depends", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Field_rules_follow_dpkg()
    {
        Assert.Equal(DebErrorCodes.RelationAlternativesNotAllowed, Assert.Throws<RelationFormatException>(() => RelationSet.ParseField("Conflicts", "a | b")).ErrorCode);
        Assert.Equal(DebErrorCodes.RelationInvalidOperator, Assert.Throws<RelationFormatException>(() => RelationSet.ParseField("Provides", "a (>= 1)")).ErrorCode);
        Assert.Equal(DebErrorCodes.RelationInvalidArchitectureRestriction, Assert.Throws<RelationFormatException>(() => RelationSet.ParseField("Depends", "a [amd64]")).ErrorCode);
        var provides = RelationSet.ParseField("Provides", "libfoo-abi-2 (= 2.0-1), foo");
        Assert.Equal(RelationOperator.Equal, provides[0][0].Operator);
        Assert.Equal("b", RelationSet.ParseField("Build-Depends", "a [amd64] | b <!nocheck>")[0][1].Name);
    }
}
