using System.Collections;

namespace AptOstree.Deb;

/// <summary>An OR group, <c>a | b (&gt;= 1) | c</c>: satisfied when any alternative is; the order is the preference.</summary>
public sealed class RelationAlternatives : IReadOnlyList<Relation>, IEquatable<RelationAlternatives>
{
    private readonly Relation[] _alternatives;

    /// <summary>Creates a group.</summary>
    public RelationAlternatives(IEnumerable<Relation> alternatives)
    {
        ArgumentNullException.ThrowIfNull(alternatives);
        _alternatives = alternatives.ToArray();
        if (_alternatives.Length == 0)
        {
            throw new ArgumentException("An OR group needs at least one relation.", nameof(alternatives));
        }
    }

    /// <summary>Number of alternatives.</summary>
    public int Count => _alternatives.Length;

    /// <summary>True when the group has more than one alternative.</summary>
    public bool HasAlternatives => _alternatives.Length > 1;

    /// <summary>The alternative at <paramref name="index"/>.</summary>
    public Relation this[int index] => _alternatives[index];

    /// <summary>The alternatives in order.</summary>
    public IEnumerator<Relation> GetEnumerator() => ((IEnumerable<Relation>)_alternatives).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>The group as written, alternatives joined with <c> | </c>.</summary>
    public override string ToString() => string.Join(" | ", _alternatives.Select(a => a.ToString()));

    /// <inheritdoc />
    public bool Equals(RelationAlternatives? other) => other is not null && _alternatives.AsSpan().SequenceEqual(other._alternatives);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as RelationAlternatives);

    /// <inheritdoc />
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(ToString());
}
