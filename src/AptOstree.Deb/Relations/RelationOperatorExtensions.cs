namespace AptOstree.Deb;

/// <summary>Spelling and evaluation of <see cref="RelationOperator"/>.</summary>
public static class RelationOperatorExtensions
{
    /// <summary>The policy spelling: <c>&lt;&lt; &lt;= = &gt;= &gt;&gt;</c>, or an empty string for <see cref="RelationOperator.None"/>.</summary>
    public static string ToSymbol(this RelationOperator op) => op switch
    {
        RelationOperator.None => "",
        RelationOperator.StrictlyEarlier => "<<",
        RelationOperator.EarlierOrEqual => "<=",
        RelationOperator.Equal => "=",
        RelationOperator.LaterOrEqual => ">=",
        RelationOperator.StrictlyLater => ">>",
        _ => throw new ArgumentOutOfRangeException(nameof(op), op, "Unknown relation operator."),
    };

    /// <summary>
    /// Whether a candidate satisfies the operator given <paramref name="comparison"/> = compare(candidate, constraint version).
    /// </summary>
    public static bool IsSatisfiedBy(this RelationOperator op, int comparison) => op switch
    {
        RelationOperator.None => true,
        RelationOperator.StrictlyEarlier => comparison < 0,
        RelationOperator.EarlierOrEqual => comparison <= 0,
        RelationOperator.Equal => comparison == 0,
        RelationOperator.LaterOrEqual => comparison >= 0,
        RelationOperator.StrictlyLater => comparison > 0,
        _ => throw new ArgumentOutOfRangeException(nameof(op), op, "Unknown relation operator."),
    };
}
