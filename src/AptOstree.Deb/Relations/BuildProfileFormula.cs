namespace AptOstree.Deb;

/// <summary>
/// A build profile formula, <c>&lt;!nocheck&gt; &lt;stage1 !cross&gt;</c>: each <c>&lt;…&gt;</c> group is an AND of
/// (possibly negated) profile names and the groups are OR-ed. The alternative applies when the formula is true
/// for the active profiles.
/// </summary>
public sealed class BuildProfileFormula : IEquatable<BuildProfileFormula>
{
    /// <summary>Creates a formula from its groups.</summary>
    public BuildProfileFormula(IEnumerable<IEnumerable<BuildProfileTerm>> groups)
    {
        ArgumentNullException.ThrowIfNull(groups);
        Groups = groups.Select(g => (IReadOnlyList<BuildProfileTerm>)g.ToArray()).ToArray();
        if (Groups.Count == 0 || Groups.Any(g => g.Count == 0))
        {
            throw new ArgumentException("A build profile formula needs at least one non-empty group.", nameof(groups));
        }
    }

    /// <summary>The OR-ed groups, each an AND of terms.</summary>
    public IReadOnlyList<IReadOnlyList<BuildProfileTerm>> Groups { get; }

    /// <summary>Evaluates the formula for the active build profiles (for example <c>nocheck</c>, <c>cross</c>).</summary>
    public bool Evaluate(IEnumerable<string> activeProfiles)
    {
        ArgumentNullException.ThrowIfNull(activeProfiles);
        var active = activeProfiles as IReadOnlySet<string> ?? activeProfiles.ToHashSet(StringComparer.Ordinal);
        return Groups.Any(g => g.All(t => active.Contains(t.Name) != t.IsNegated));
    }

    /// <summary>The formula as written, e.g. <c>&lt;!nocheck&gt; &lt;stage1&gt;</c>.</summary>
    public override string ToString() => string.Join(' ', Groups.Select(g => "<" + string.Join(' ', g) + ">"));

    /// <inheritdoc />
    public bool Equals(BuildProfileFormula? other) => other is not null && ToString() == other.ToString();

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as BuildProfileFormula);

    /// <inheritdoc />
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(ToString());
}
