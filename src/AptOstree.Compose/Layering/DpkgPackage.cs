namespace AptOstree.Compose.Layering;

/// <summary>A package recorded in a dpkg database (its files are on disk: installed, unpacked or half-done).</summary>
/// <param name="Name">Package name.</param>
/// <param name="Version">Version text as dpkg records it.</param>
/// <param name="Architecture">Architecture (<c>amd64</c>, <c>all</c>, …).</param>
public sealed record DpkgPackage(string Name, string Version, string Architecture)
{
    /// <summary><c>NAME VERSION ARCH</c>.</summary>
    public override string ToString() => $"{Name} {Version} {Architecture}";
}
