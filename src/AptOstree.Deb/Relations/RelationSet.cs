using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace AptOstree.Deb;

/// <summary>
/// A whole relationship field: comma-separated AND of <see cref="RelationAlternatives"/> groups, e.g. the value of
/// <c>Depends</c>. Parses with or without line breaks (folded fields).
/// </summary>
public sealed class RelationSet : IReadOnlyList<RelationAlternatives>, IEquatable<RelationSet>
{
    private readonly RelationAlternatives[] _groups;

    /// <summary>Creates a set from groups.</summary>
    public RelationSet(IEnumerable<RelationAlternatives> groups)
    {
        ArgumentNullException.ThrowIfNull(groups);
        _groups = groups.ToArray();
    }

    /// <summary>The empty set (an absent or empty field).</summary>
    public static RelationSet Empty { get; } = new([]);

    /// <summary>Number of groups.</summary>
    public int Count => _groups.Length;

    /// <summary>The group at <paramref name="index"/>.</summary>
    public RelationAlternatives this[int index] => _groups[index];

    /// <summary>Every relation of every group, in order.</summary>
    public IEnumerable<Relation> AllRelations => _groups.SelectMany(g => g);

    /// <summary>Parses a field value.</summary>
    /// <param name="text">The value, e.g. <c>libc6 (&gt;= 2.36), debconf | debconf-2.0</c>; empty gives <see cref="Empty"/>.</param>
    /// <param name="options">Grammar rules; <see cref="RelationParseOptions.Default"/> (everything allowed) when null.</param>
    /// <exception cref="RelationFormatException">The text breaks the grammar; the message names the field, offset and text.</exception>
    public static RelationSet Parse(string text, RelationParseOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        return RelationParser.ParseSet(text, options ?? RelationParseOptions.Default);
    }

    /// <summary>Parses the value of field <paramref name="fieldName"/> with that field's rules (<see cref="RelationParseOptions.ForField"/>).</summary>
    public static RelationSet ParseField(string fieldName, string text) => Parse(text, RelationParseOptions.ForField(fieldName));

    /// <summary>Tries to parse; false instead of an exception.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out RelationSet? result, RelationParseOptions? options = null)
    {
        result = null;
        if (text is null)
        {
            return false;
        }

        try
        {
            result = Parse(text, options);
            return true;
        }
        catch (RelationFormatException)
        {
            return false;
        }
    }

    /// <summary>
    /// The set as it applies to a build for <paramref name="architecture"/> with <paramref name="activeProfiles"/>:
    /// alternatives whose <c>[arch]</c> list or <c>&lt;profile&gt;</c> formula is false are dropped, and so are
    /// groups left empty (dpkg-checkbuilddeps' and APT's reduction).
    /// </summary>
    public RelationSet Restrict(string architecture, IEnumerable<string> activeProfiles)
    {
        ArgumentNullException.ThrowIfNull(activeProfiles);
        var profiles = activeProfiles.ToHashSet(StringComparer.Ordinal);
        var groups = new List<RelationAlternatives>(_groups.Length);
        foreach (var g in _groups)
        {
            var kept = g.Where(r => r.AppliesTo(architecture, profiles)).ToArray();
            if (kept.Length > 0)
            {
                groups.Add(kept.Length == g.Count ? g : new RelationAlternatives(kept));
            }
        }

        return new RelationSet(groups);
    }

    /// <summary>The groups in order.</summary>
    public IEnumerator<RelationAlternatives> GetEnumerator() => ((IEnumerable<RelationAlternatives>)_groups).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>The field in canonical spelling, groups joined with <c>, </c>.</summary>
    public override string ToString() => string.Join(", ", _groups.Select(g => g.ToString()));

    /// <inheritdoc />
    public bool Equals(RelationSet? other) => other is not null && _groups.AsSpan().SequenceEqual(other._groups);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as RelationSet);

    /// <inheritdoc />
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(ToString());
}
