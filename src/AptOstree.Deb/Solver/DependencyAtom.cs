namespace AptOstree.Deb.Solver;

/// <summary>Comparison operator of a versioned relationship.</summary>
internal enum VersionOperator : byte
{
    None,
    StrictlyEarlier,
    EarlierOrEqual,
    Equal,
    LaterOrEqual,
    StrictlyLater,
}

/// <summary>Architecture qualifier of a relationship (<c>name:any</c>, <c>name:native</c>, <c>name:amd64</c>).</summary>
internal enum ArchitectureQualifier : byte
{
    None,
    Any,
    Native,
    Specific,
}

/// <summary>One alternative of a relationship, as the solver matches it.</summary>
internal readonly record struct DependencyAtom(string Name, ArchitectureQualifier Qualifier, string? Architecture, VersionOperator Operator, string? Version)
{
    public override string ToString()
    {
        string qual = Qualifier switch
        {
            ArchitectureQualifier.Any => ":any",
            ArchitectureQualifier.Native => ":native",
            ArchitectureQualifier.Specific => ":" + Architecture,
            _ => string.Empty,
        };
        string op = Operator switch
        {
            VersionOperator.StrictlyEarlier => "<<",
            VersionOperator.EarlierOrEqual => "<=",
            VersionOperator.Equal => "=",
            VersionOperator.LaterOrEqual => ">=",
            VersionOperator.StrictlyLater => ">>",
            _ => string.Empty,
        };
        return Operator == VersionOperator.None ? Name + qual : $"{Name}{qual} ({op} {Version})";
    }

    /// <summary>True when <paramref name="version"/> satisfies the version constraint.</summary>
    public bool VersionSatisfied(string version)
    {
        if (Operator == VersionOperator.None)
        {
            return true;
        }

        int c = DebianVersion.Compare(version, Version!);
        return Operator switch
        {
            VersionOperator.StrictlyEarlier => c < 0,
            VersionOperator.EarlierOrEqual => c <= 0,
            VersionOperator.Equal => c == 0,
            VersionOperator.LaterOrEqual => c >= 0,
            _ => c > 0,
        };
    }
}
