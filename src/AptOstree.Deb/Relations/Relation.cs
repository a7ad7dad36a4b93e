using System.Text;

namespace AptOstree.Deb;

/// <summary>
/// One package relation: <c>name[:archqual] [(op version)] [[arch list]] [&lt;profiles&gt;…]</c>, e.g.
/// <c>libc6 (&gt;= 2.36)</c>, <c>python3:any</c>, <c>debhelper-compat (= 13)</c>, <c>gcc-multilib [amd64] &lt;!nocheck&gt;</c>.
/// </summary>
public sealed class Relation : IEquatable<Relation>
{
    /// <summary>Creates a relation.</summary>
    /// <param name="name">The package (or virtual package) name.</param>
    /// <param name="operator">The version operator; <see cref="RelationOperator.None"/> for an unversioned relation.</param>
    /// <param name="version">The version; required exactly when <paramref name="operator"/> is not None.</param>
    /// <param name="architectureQualifier">The <c>:qualifier</c>, if any.</param>
    /// <param name="architectureRestriction">The <c>[…]</c> list, if any.</param>
    /// <param name="buildProfiles">The <c>&lt;…&gt;</c> formula, if any.</param>
    public Relation(
        string name,
        RelationOperator @operator = RelationOperator.None,
        DebianVersion? version = null,
        ArchitectureQualifier? architectureQualifier = null,
        ArchitectureRestriction? architectureRestriction = null,
        BuildProfileFormula? buildProfiles = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if ((@operator == RelationOperator.None) != (version is null))
        {
            throw new ArgumentException("A version is required exactly when an operator is given.", nameof(version));
        }

        Name = name;
        Operator = @operator;
        Version = version;
        ArchitectureQualifier = architectureQualifier;
        ArchitectureRestriction = architectureRestriction;
        BuildProfiles = buildProfiles;
    }

    /// <summary>The package name as written (APT compares package names in lower case).</summary>
    public string Name { get; }

    /// <summary>The version operator, <see cref="RelationOperator.None"/> when unversioned.</summary>
    public RelationOperator Operator { get; }

    /// <summary>The version of the constraint, or null when unversioned.</summary>
    public DebianVersion? Version { get; }

    /// <summary>The <c>:any</c> / <c>:native</c> / <c>:arch</c> qualifier, or null.</summary>
    public ArchitectureQualifier? ArchitectureQualifier { get; }

    /// <summary>The <c>[arch …]</c> restriction, or null.</summary>
    public ArchitectureRestriction? ArchitectureRestriction { get; }

    /// <summary>The <c>&lt;profile …&gt;</c> formula, or null.</summary>
    public BuildProfileFormula? BuildProfiles { get; }

    /// <summary>True when the relation has a version constraint.</summary>
    public bool IsVersioned => Operator != RelationOperator.None;

    /// <summary>Parses one relation (no <c>|</c> or <c>,</c>).</summary>
    /// <exception cref="RelationFormatException">The text is not one relation.</exception>
    public static Relation Parse(string text, RelationParseOptions? options = null)
    {
        var set = RelationSet.Parse(text, options);
        if (set.Count != 1 || set[0].Count != 1)
        {
            throw new RelationFormatException(DebErrorCodes.RelationSyntax, "expected exactly one relation", options?.FieldName, text, 0);
        }

        return set[0][0];
    }

    /// <summary>
    /// Whether a package of version <paramref name="version"/> satisfies this relation's version constraint
    /// (always true for an unversioned relation).
    /// </summary>
    public bool Satisfies(DebianVersion version)
    {
        ArgumentNullException.ThrowIfNull(version);
        return Operator == RelationOperator.None || Operator.IsSatisfiedBy(DebianVersion.Compare(version, Version));
    }

    /// <summary>
    /// Whether a package that declares <paramref name="provided"/> in its <c>Provides</c> field satisfies this relation
    /// (Policy §7.5): the names must match; a versioned relation needs a versioned provide (<c>name (= version)</c>)
    /// whose version satisfies the constraint — an unversioned provide never satisfies a versioned relation.
    /// </summary>
    public bool IsSatisfiedByProvide(Relation provided)
    {
        ArgumentNullException.ThrowIfNull(provided);
        if (!string.Equals(Name, provided.Name, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        if (!IsVersioned)
        {
            return true;
        }

        return provided.Operator == RelationOperator.Equal && Satisfies(provided.Version!);
    }

    /// <summary>
    /// Whether the relation applies when building for <paramref name="architecture"/> with
    /// <paramref name="activeProfiles"/>: its architecture list matches and its profile formula is true.
    /// </summary>
    public bool AppliesTo(string architecture, IEnumerable<string> activeProfiles)
    {
        ArgumentNullException.ThrowIfNull(activeProfiles);
        return (ArchitectureRestriction?.Matches(architecture) ?? true) && (BuildProfiles?.Evaluate(activeProfiles) ?? true);
    }

    /// <summary>The relation in canonical spelling, e.g. <c>libc6:any (&gt;= 2.36) [amd64] &lt;!nocheck&gt;</c>.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder(Name);
        if (ArchitectureQualifier is not null)
        {
            sb.Append(':').Append(ArchitectureQualifier.Name);
        }

        if (Version is not null)
        {
            sb.Append(" (").Append(Operator.ToSymbol()).Append(' ').Append(Version.OriginalText).Append(')');
        }

        if (ArchitectureRestriction is not null)
        {
            sb.Append(' ').Append(ArchitectureRestriction);
        }

        if (BuildProfiles is not null)
        {
            sb.Append(' ').Append(BuildProfiles);
        }

        return sb.ToString();
    }

    /// <summary>Equal when the canonical spellings are equal.</summary>
    public bool Equals(Relation? other) => other is not null && ToString() == other.ToString();

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as Relation);

    /// <inheritdoc />
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(ToString());
}
