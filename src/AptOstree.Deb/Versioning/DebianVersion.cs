using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace AptOstree.Deb;

/// <summary>
/// A Debian package version <c>[epoch:]upstream[-revision]</c> that orders exactly like
/// <c>dpkg --compare-versions</c> (<c>lib/dpkg/version.c</c>): epochs numerically, then upstream and
/// revision with dpkg's alternating non-digit/digit comparison where <c>~</c> sorts before everything,
/// even the end of the string. Equality follows the ordering: <c>1.0</c>, <c>0:1.0</c>, <c>1.0-0</c> and
/// <c>1.00</c> are all equal, while <see cref="OriginalText"/> keeps what was written.
/// </summary>
public sealed class DebianVersion : IComparable<DebianVersion>, IEquatable<DebianVersion>, IComparable
{
    private DebianVersion(int epoch, string upstream, string revision, string originalText, bool hasExplicitEpoch)
    {
        Epoch = epoch;
        Upstream = upstream;
        Revision = revision;
        OriginalText = originalText;
        HasExplicitEpoch = hasExplicitEpoch;
    }

    /// <summary>The epoch; 0 when the version has none.</summary>
    public int Epoch { get; }

    /// <summary>The upstream part (between the epoch's colon and the last hyphen).</summary>
    public string Upstream { get; }

    /// <summary>The Debian revision (after the last hyphen); empty when there is none, which compares like <c>0</c>.</summary>
    public string Revision { get; }

    /// <summary>The text the version was parsed from, with surrounding blanks removed.</summary>
    public string OriginalText { get; }

    /// <summary>True when the text spelled an epoch (even <c>0:</c>).</summary>
    public bool HasExplicitEpoch { get; }

    /// <summary>
    /// The normalized text: <c>epoch:</c> only when the epoch is not 0, <c>-revision</c> only when there is a revision.
    /// </summary>
    public string NormalizedText =>
        (Epoch != 0 ? Epoch.ToString(CultureInfo.InvariantCulture) + ":" : "") + Upstream + (Revision.Length != 0 ? "-" + Revision : "");

    /// <summary>
    /// dpkg's non-fatal complaints about this version (it starts with a non-digit, or contains characters outside
    /// the allowed sets), or null when it is fully policy-conformant. dpkg warns but still compares such versions.
    /// </summary>
    public string? Warning => DebianVersionParser.GetWarning(Upstream, Revision);

    /// <summary>Parses a version; blanks around it are ignored.</summary>
    /// <exception cref="DebianVersionFormatException">The text is not a version dpkg accepts.</exception>
    public static DebianVersion Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Parse(text.AsSpan(), text);
    }

    /// <inheritdoc cref="Parse(string)"/>
    public static DebianVersion Parse(ReadOnlySpan<char> text) => Parse(text, null);

    /// <summary>Tries to parse a version; returns false instead of throwing.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, [MaybeNullWhen(false)] out DebianVersion result)
    {
        if (text is null)
        {
            result = null;
            return false;
        }

        return TryParse(text.AsSpan(), text, out result);
    }

    /// <inheritdoc cref="TryParse(string?, out DebianVersion)"/>
    public static bool TryParse(ReadOnlySpan<char> text, [MaybeNullWhen(false)] out DebianVersion result) => TryParse(text, null, out result);

    /// <summary>
    /// Compares two version texts without allocating (the fast path for sorting strings): negative when
    /// <paramref name="left"/> is earlier, 0 when equal, positive when later.
    /// </summary>
    /// <exception cref="DebianVersionFormatException">Either text is not a version.</exception>
    public static int Compare(string left, string right)
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        return Compare(left.AsSpan(), right.AsSpan());
    }

    /// <inheritdoc cref="Compare(string, string)"/>
    public static int Compare(ReadOnlySpan<char> left, ReadOnlySpan<char> right)
    {
        DebianVersionParser.ThrowIfError(DebianVersionParser.Split(left, out var a), left);
        DebianVersionParser.ThrowIfError(DebianVersionParser.Split(right, out var b), right);
        return Compare(left, a, right, b);
    }

    /// <summary>Compares two versions like dpkg: negative, 0 or positive. A null version sorts first.</summary>
    public static int Compare(DebianVersion? left, DebianVersion? right)
    {
        if (ReferenceEquals(left, right))
        {
            return 0;
        }

        if (left is null)
        {
            return -1;
        }

        if (right is null)
        {
            return 1;
        }

        return VersionOrder.Compare(left.Epoch, left.Upstream, left.Revision, right.Epoch, right.Upstream, right.Revision);
    }

    /// <summary>Compares dpkg's way: epoch, then upstream, then revision; the result is -1, 0 or 1.</summary>
    public int CompareTo(DebianVersion? other) => Compare(this, other);

    /// <inheritdoc />
    public int CompareTo(object? obj) => obj switch
    {
        null => 1,
        DebianVersion v => CompareTo(v),
        _ => throw new ArgumentException("Object is not a DebianVersion.", nameof(obj)),
    };

    /// <summary>True when the versions compare equal (dpkg's <c>eq</c>), e.g. <c>1.0</c> and <c>1.0-0</c>.</summary>
    public bool Equals(DebianVersion? other) => other is not null && Compare(this, other) == 0;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is DebianVersion v && Equals(v);

    /// <summary>A hash consistent with <see cref="Equals(DebianVersion?)"/>: leading zeros of digit runs do not count.</summary>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Epoch);
        VersionOrder.AddNormalized(ref hash, Upstream);
        hash.Add('-');
        VersionOrder.AddNormalized(ref hash, Revision);
        return hash.ToHashCode();
    }

    /// <summary>The text as written (<see cref="OriginalText"/>).</summary>
    public override string ToString() => OriginalText;

    /// <summary>dpkg's <c>eq</c>.</summary>
    public static bool operator ==(DebianVersion? left, DebianVersion? right) => Compare(left, right) == 0;

    /// <summary>dpkg's <c>ne</c>.</summary>
    public static bool operator !=(DebianVersion? left, DebianVersion? right) => Compare(left, right) != 0;

    /// <summary>dpkg's <c>lt</c> (<c>&lt;&lt;</c>).</summary>
    public static bool operator <(DebianVersion? left, DebianVersion? right) => Compare(left, right) < 0;

    /// <summary>dpkg's <c>le</c> (<c>&lt;=</c>).</summary>
    public static bool operator <=(DebianVersion? left, DebianVersion? right) => Compare(left, right) <= 0;

    /// <summary>dpkg's <c>gt</c> (<c>&gt;&gt;</c>).</summary>
    public static bool operator >(DebianVersion? left, DebianVersion? right) => Compare(left, right) > 0;

    /// <summary>dpkg's <c>ge</c> (<c>&gt;=</c>).</summary>
    public static bool operator >=(DebianVersion? left, DebianVersion? right) => Compare(left, right) >= 0;

    /// <summary>Parses with the error naming <paramref name="source"/> (a file or field).</summary>
    internal static DebianVersion Parse(ReadOnlySpan<char> text, string? originalString, string? source = null)
    {
        DebianVersionParser.ThrowIfError(DebianVersionParser.Split(text, out var parts), text, source);
        return Create(text, parts, originalString);
    }

    private static bool TryParse(ReadOnlySpan<char> text, string? originalString, [MaybeNullWhen(false)] out DebianVersion result)
    {
        if (DebianVersionParser.Split(text, out var parts) is not null)
        {
            result = null;
            return false;
        }

        result = Create(text, parts, originalString);
        return true;
    }

    private static DebianVersion Create(ReadOnlySpan<char> text, in VersionParts parts, string? originalString)
    {
        var trimmed = text[parts.Start..parts.End];
        var original = originalString is not null && trimmed.Length == originalString.Length ? originalString : trimmed.ToString();
        var upstream = parts.Upstream(text).ToString();
        var revision = parts.Revision(text).ToString();
        return new DebianVersion(parts.Epoch, upstream, revision, original, parts.HasEpoch);
    }

    private static int Compare(ReadOnlySpan<char> left, in VersionParts a, ReadOnlySpan<char> right, in VersionParts b) =>
        VersionOrder.Compare(a.Epoch, a.Upstream(left), a.Revision(left), b.Epoch, b.Upstream(right), b.Revision(right));
}
