namespace AptOstree.Deb;

/// <summary>
/// An architecture restriction list <c>[amd64 arm64]</c> or <c>[!i386 !hurd-any]</c> on a build dependency: the
/// alternative applies only on the listed architectures (or on all but the negated ones). Either every name is
/// negated or none is. Names may be wildcards such as <c>any</c>, <c>linux-any</c> or <c>any-amd64</c>.
/// </summary>
public sealed class ArchitectureRestriction : IEquatable<ArchitectureRestriction>
{
    /// <summary>Creates a restriction.</summary>
    /// <param name="architectures">The architecture names or wildcards, without <c>!</c>.</param>
    /// <param name="isNegated">True for a <c>[!a !b]</c> list.</param>
    public ArchitectureRestriction(IEnumerable<string> architectures, bool isNegated)
    {
        ArgumentNullException.ThrowIfNull(architectures);
        Architectures = architectures.ToArray();
        if (Architectures.Count == 0)
        {
            throw new ArgumentException("An architecture restriction needs at least one architecture.", nameof(architectures));
        }

        IsNegated = isNegated;
    }

    /// <summary>The architectures (or wildcards) named, without <c>!</c>.</summary>
    public IReadOnlyList<string> Architectures { get; }

    /// <summary>True when the list excludes its architectures (<c>[!i386]</c>).</summary>
    public bool IsNegated { get; }

    /// <summary>Whether the restriction lets the alternative apply when building for <paramref name="architecture"/>.</summary>
    public bool Matches(string architecture)
    {
        ArgumentException.ThrowIfNullOrEmpty(architecture);
        var listed = Architectures.Any(pattern => DebianArchitectures.Matches(architecture, pattern));
        return IsNegated ? !listed : listed;
    }

    /// <summary>The list as written in a relation, e.g. <c>[!i386 !hurd-any]</c>.</summary>
    public override string ToString() => "[" + string.Join(' ', Architectures.Select(a => IsNegated ? "!" + a : a)) + "]";

    /// <inheritdoc />
    public bool Equals(ArchitectureRestriction? other) => other is not null && ToString() == other.ToString();

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as ArchitectureRestriction);

    /// <inheritdoc />
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(ToString());
}
