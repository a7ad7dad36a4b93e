namespace AptOstree.Deb.Solver;

/// <summary>Where an index came from, as APT describes it (<c>o=…,a=…,n=…,l=…,c=…,b=…</c>).</summary>
/// <param name="Origin">Release <c>Origin</c>.</param>
/// <param name="Label">Release <c>Label</c>.</param>
/// <param name="Suite">Release <c>Suite</c> (archive), e.g. <c>oldstable</c>.</param>
/// <param name="Codename">Release <c>Codename</c>, e.g. <c>bookworm</c>.</param>
/// <param name="Component">The component, e.g. <c>main</c>.</param>
/// <param name="Version">Release <c>Version</c>.</param>
/// <param name="BaseUri">The repository URI the packages are downloaded from.</param>
public sealed record PackageOrigin(string? Origin, string? Label, string? Suite, string? Codename, string? Component, string? Version, string? BaseUri)
{
    /// <summary>An origin for packages that exist only in the dpkg status database.</summary>
    public static PackageOrigin LocalStatus { get; } = new(null, null, "now", null, null, null, null);

    /// <summary>True when <paramref name="suiteOrCodename"/> names this origin's suite or codename.</summary>
    public bool Matches(string suiteOrCodename) =>
        string.Equals(Suite, suiteOrCodename, StringComparison.Ordinal) || string.Equals(Codename, suiteOrCodename, StringComparison.Ordinal);
}
