namespace AptOstree.Deb;

/// <summary>The version operator of a relation, <c>name (OP version)</c>.</summary>
public enum RelationOperator
{
    /// <summary>No version constraint: any version satisfies the relation.</summary>
    None = 0,

    /// <summary><c>&lt;&lt;</c>: strictly earlier.</summary>
    StrictlyEarlier,

    /// <summary><c>&lt;=</c> (also the obsolete <c>&lt;</c>): earlier or equal.</summary>
    EarlierOrEqual,

    /// <summary><c>=</c>: exactly equal (the only operator allowed in <c>Provides</c> and <c>Built-Using</c>).</summary>
    Equal,

    /// <summary><c>&gt;=</c> (also the obsolete <c>&gt;</c>): later or equal.</summary>
    LaterOrEqual,

    /// <summary><c>&gt;&gt;</c>: strictly later.</summary>
    StrictlyLater,
}
