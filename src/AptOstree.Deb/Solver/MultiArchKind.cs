namespace AptOstree.Deb.Solver;

/// <summary>The <c>Multi-Arch</c> field of a package.</summary>
public enum MultiArchKind
{
    /// <summary>No field: satisfies only same-architecture dependencies; one architecture at a time.</summary>
    None,

    /// <summary><c>same</c>: co-installable across architectures at the same version.</summary>
    Same,

    /// <summary><c>foreign</c>: satisfies dependencies of any architecture.</summary>
    Foreign,

    /// <summary><c>allowed</c>: like none, but <c>name:any</c> dependencies accept any architecture.</summary>
    Allowed,
}
