namespace AptOstree.Compose.Layering;

/// <summary>One package that differs between two commits.</summary>
/// <param name="Name">Package name.</param>
/// <param name="Kind">Added, removed, upgraded or downgraded.</param>
/// <param name="Previous">The package in the older commit (null when added).</param>
/// <param name="New">The package in the newer commit (null when removed).</param>
public sealed record PackageChange(string Name, PackageChangeKind Kind, DpkgPackage? Previous, DpkgPackage? New);
