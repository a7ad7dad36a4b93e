namespace AptOstree.Deb;

/// <summary>One build profile name inside <c>&lt;…&gt;</c>, possibly negated (<c>!nocheck</c>).</summary>
/// <param name="Name">The profile name, without <c>!</c>.</param>
/// <param name="IsNegated">True when written with <c>!</c>.</param>
public readonly record struct BuildProfileTerm(string Name, bool IsNegated)
{
    /// <summary>The term as written.</summary>
    public override string ToString() => IsNegated ? "!" + Name : Name;
}
