namespace AptOstree.Compose;

/// <summary>Commit metadata keys of imported package commits and composed commits.</summary>
public static class ImportMetadata
{
    /// <summary>Package name.</summary>
    public const string PackageName = "aptostree.package.name";

    /// <summary>Package version.</summary>
    public const string PackageVersion = "aptostree.package.version";

    /// <summary>Package architecture.</summary>
    public const string PackageArchitecture = "aptostree.package.architecture";

    /// <summary>SHA-256 of the .deb.</summary>
    public const string PackageSha256 = "aptostree.package.sha256";

    /// <summary>The import format (a cached import made by an older format is imported again).</summary>
    public const string ImportFormat = "aptostree.import-format";

    /// <summary>The package's dpkg status stanza as <c>dpkg --unpack</c> writes it.</summary>
    public const string DpkgStatus = "aptostree.dpkg.status";

    /// <summary>The package's name in dpkg's <c>info/</c> (<c>NAME</c> or <c>NAME:ARCH</c>).</summary>
    public const string DpkgInfoName = "aptostree.dpkg.info-name";

    /// <summary>The package's <c>triggers</c> control file.</summary>
    public const string DpkgTriggers = "aptostree.dpkg.triggers";

    /// <summary>The package's conffiles (absolute paths), stored in the tree as <c>PATH.dpkg-new</c> as dpkg unpacks them.</summary>
    public const string DpkgConffiles = "aptostree.dpkg.conffiles";

    /// <summary>Composed commit: the input hash (treefile, package set, tool version); equal hash means no new commit.</summary>
    public const string InputHash = "aptostree.inputhash";

    /// <summary>Composed commit: the packages, one <c>NAME VERSION ARCH SHA256</c> string each (<c>as</c>).</summary>
    public const string Packages = "aptostree.packages";

    /// <summary>Composed commit: the sources with their Release dates.</summary>
    public const string Sources = "aptostree.sources";

    /// <summary>Composed commit: the treefile's <c>kernel.cmdline</c> (<c>as</c>), which a disk image's boot entry carries.</summary>
    public const string KernelCommandLine = "aptostree.kernel.cmdline";
}
