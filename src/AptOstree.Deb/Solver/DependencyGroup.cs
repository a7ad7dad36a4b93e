namespace AptOstree.Deb.Solver;

/// <summary>The kind of a positive relationship, which decides whether the solver must or may satisfy it.</summary>
public enum DependencyKind
{
    /// <summary>Depends.</summary>
    Depends,

    /// <summary>Pre-Depends.</summary>
    PreDepends,

    /// <summary>Recommends.</summary>
    Recommends,
}

/// <summary>A compiled or-group: the universe ids that satisfy it, in preference order.</summary>
internal sealed class DependencyGroup(DependencyKind kind, List<DependencyAtom> alternatives, int[] candidates)
{
    private string? _text;

    public DependencyKind Kind { get; } = kind;

    /// <summary>The or-group as text (<c>a (>= 1) | b</c>), made when first needed (messages, the upgrade Recommends rule).</summary>
    public string Text => _text ??= string.Join(" | ", alternatives);

    public int[] Candidates { get; } = candidates;

    public bool IsSoft => Kind == DependencyKind.Recommends;
}

/// <summary>The compiled relationships of one package version.</summary>
internal sealed class CompiledPackage(DependencyGroup[] hard, DependencyGroup[] recommends, int[] conflicts)
{
    public DependencyGroup[] Hard { get; } = hard;

    public DependencyGroup[] Recommends { get; } = recommends;

    /// <summary>Ids this version may not be installed with (Conflicts and Breaks, self excluded).</summary>
    public int[] Conflicts { get; } = conflicts;
}
