namespace AptOstree.Deb;

/// <summary>
/// The Multi-Arch qualifier after a package name in a relation: <c>:any</c> (any architecture, for
/// <c>Multi-Arch: allowed</c> targets), <c>:native</c> (build dependencies only) or a concrete architecture.
/// </summary>
public sealed record ArchitectureQualifier
{
    /// <summary>Creates a qualifier.</summary>
    /// <param name="name">The text after the colon, e.g. <c>any</c>, <c>native</c>, <c>amd64</c>.</param>
    public ArchitectureQualifier(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
    }

    /// <summary><c>:any</c>.</summary>
    public static ArchitectureQualifier Any { get; } = new("any");

    /// <summary><c>:native</c>.</summary>
    public static ArchitectureQualifier Native { get; } = new("native");

    /// <summary>The text after the colon.</summary>
    public string Name { get; }

    /// <summary>True for <c>:any</c>.</summary>
    public bool IsAny => Name == "any";

    /// <summary>True for <c>:native</c>.</summary>
    public bool IsNative => Name == "native";

    /// <summary>The name, without the colon.</summary>
    public override string ToString() => Name;

    internal static ArchitectureQualifier FromName(string name) => name switch
    {
        "any" => Any,
        "native" => Native,
        _ => new ArchitectureQualifier(name),
    };
}
