namespace AptOstree.Deb;

/// <summary>
/// Which parts of the relationship grammar a field allows. <see cref="Default"/> accepts everything APT accepts;
/// <see cref="ForField"/> applies dpkg's per-field rules (no alternatives in Conflicts/Breaks/Replaces/Provides,
/// only <c>=</c> in Provides, architecture lists and build profiles only in source fields).
/// </summary>
public sealed record RelationParseOptions
{
    /// <summary>Everything allowed.</summary>
    public static RelationParseOptions Default { get; } = new();

    /// <summary>The field name used in error messages.</summary>
    public string? FieldName { get; init; }

    /// <summary>Whether <c>|</c> alternatives are allowed.</summary>
    public bool AllowAlternatives { get; init; } = true;

    /// <summary>Whether <c>[arch]</c> restriction lists are allowed.</summary>
    public bool AllowArchitectureRestrictions { get; init; } = true;

    /// <summary>Whether <c>&lt;profile&gt;</c> formulas are allowed.</summary>
    public bool AllowBuildProfiles { get; init; } = true;

    /// <summary>Whether only <c>=</c> may be used as version operator (Provides, Built-Using).</summary>
    public bool OnlyEqualOperator { get; init; }

    /// <summary>dpkg's rules for a known field name (case-insensitive); <see cref="Default"/> rules for other fields.</summary>
    public static RelationParseOptions ForField(string fieldName)
    {
        ArgumentNullException.ThrowIfNull(fieldName);
        var binary = new RelationParseOptions { FieldName = fieldName, AllowArchitectureRestrictions = false, AllowBuildProfiles = false };
        return fieldName.ToUpperInvariant() switch
        {
            "DEPENDS" or "PRE-DEPENDS" or "RECOMMENDS" or "SUGGESTS" or "ENHANCES" => binary,
            "CONFLICTS" or "BREAKS" or "REPLACES" => binary with { AllowAlternatives = false },
            "PROVIDES" or "BUILT-USING" or "STATIC-BUILT-USING" => binary with { AllowAlternatives = false, OnlyEqualOperator = true },
            _ => new RelationParseOptions { FieldName = fieldName },
        };
    }
}
