namespace AptOstree.Compose.Layering;

/// <summary>How a package differs between two commits; the numbers are rpm-ostree's <c>pkgdiff</c> types.</summary>
public enum PackageChangeKind
{
    /// <summary>Only in the newer commit.</summary>
    Added = 0,

    /// <summary>Only in the older commit.</summary>
    Removed = 1,

    /// <summary>A higher version in the newer commit (or the same version on another architecture).</summary>
    Upgraded = 2,

    /// <summary>A lower version in the newer commit.</summary>
    Downgraded = 3,
}
