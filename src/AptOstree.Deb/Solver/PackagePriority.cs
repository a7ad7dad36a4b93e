namespace AptOstree.Deb.Solver;

/// <summary>The <c>Priority</c> field; lower values are more important (APT's order).</summary>
public enum PackagePriority
{
    /// <summary><c>required</c>.</summary>
    Required = 1,

    /// <summary><c>important</c>.</summary>
    Important = 2,

    /// <summary><c>standard</c>.</summary>
    Standard = 3,

    /// <summary><c>optional</c> (or no field).</summary>
    Optional = 4,

    /// <summary><c>extra</c> (deprecated; ranks after optional).</summary>
    Extra = 5,
}
