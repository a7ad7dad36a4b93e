namespace AptOstree.Deb;

/// <summary>
/// The semantics of <c>dpkg --compare-versions A RELATION B</c>, including its treatment of an empty
/// (or <c>&lt;unknown&gt;</c>) version: <c>lt le eq ne ge gt</c> and the control-file spellings
/// <c>&lt;&lt; &lt;= = &gt;= &gt;&gt; &lt; &gt;</c> treat it as earlier than any version, the <c>-nl</c>
/// forms (<c>lt-nl le-nl ge-nl gt-nl</c>) as later than any version.
/// </summary>
public static class DpkgCompareVersions
{
    // Each row: result when left < right, ==, >; then when only left is empty, both are empty, only right is empty.
    private static readonly (string Name, bool Lesser, bool Equal, bool Greater, bool NoneLeft, bool NoneBoth, bool NoneRight, bool Obsolete)[] Relations =
    [
        ("le", true, true, false, true, true, false, false),
        ("lt", true, false, false, true, false, false, false),
        ("eq", false, true, false, false, true, false, false),
        ("ne", true, false, true, true, false, true, false),
        ("ge", false, true, true, false, true, true, false),
        ("gt", false, false, true, false, false, true, false),
        ("le-nl", true, true, false, false, true, true, false),
        ("lt-nl", true, false, false, false, false, true, false),
        ("ge-nl", false, true, true, true, true, false, false),
        ("gt-nl", false, false, true, true, false, false, false),
        ("<", true, true, false, true, true, false, true),
        ("<=", true, true, false, true, true, false, false),
        ("<<", true, false, false, true, false, false, false),
        ("=", false, true, false, false, true, false, false),
        (">", false, true, true, false, true, true, true),
        (">=", false, true, true, false, true, true, false),
        (">>", false, false, true, false, false, true, false),
    ];

    /// <summary>The relation names dpkg accepts, in dpkg's order.</summary>
    public static IReadOnlyList<string> RelationNames { get; } = Relations.Select(r => r.Name).ToArray();

    /// <summary>True when <paramref name="relation"/> is one of <see cref="RelationNames"/>.</summary>
    public static bool IsKnownRelation(string relation) => Array.FindIndex(Relations, r => r.Name == relation) >= 0;

    /// <summary>True for <c>&lt;</c> and <c>&gt;</c>, which dpkg accepts with a warning (they mean <c>&lt;=</c> and <c>&gt;=</c>).</summary>
    public static bool IsObsoleteRelation(string relation) => Array.FindIndex(Relations, r => r.Name == relation && r.Obsolete) >= 0;

    /// <summary>Evaluates <c>left RELATION right</c> exactly like <c>dpkg --compare-versions</c> (true = exit status 0).</summary>
    /// <param name="left">A version, or empty / <c>&lt;unknown&gt;</c> for "no version".</param>
    /// <param name="relation">One of <see cref="RelationNames"/>.</param>
    /// <param name="right">A version, or empty / <c>&lt;unknown&gt;</c> for "no version".</param>
    /// <exception cref="DebianVersionFormatException">A version is malformed, or the relation is unknown (code <c>AO2359</c>).</exception>
    public static bool Evaluate(string left, string relation, string right)
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(relation);
        ArgumentNullException.ThrowIfNull(right);
        var index = Array.FindIndex(Relations, r => r.Name == relation);
        if (index < 0)
        {
            throw new DebianVersionFormatException(
                DebErrorCodes.VersionUnknownRelation,
                $"Unknown version relation '{relation}'; expected one of: {string.Join(' ', RelationNames)}.",
                relation);
        }

        var row = Relations[index];
        var a = ParseOrBlank(left);
        var b = ParseOrBlank(right);
        if (a is null)
        {
            return b is null ? row.NoneBoth : row.NoneLeft;
        }

        if (b is null)
        {
            return row.NoneRight;
        }

        var c = DebianVersion.Compare(a, b);
        return c < 0 ? row.Lesser : c == 0 ? row.Equal : row.Greater;
    }

    // dpkg treats "" and "<unknown>" as a blank version; a parsed version always has a non-empty upstream
    // part and so is never blank.
    private static DebianVersion? ParseOrBlank(string text) =>
        text.Length == 0 || text == "<unknown>" ? null : DebianVersion.Parse(text);
}
