using System.Globalization;

namespace AptOstree.Compose;

/// <summary>
/// The <c>/var</c> policy of composed trees: a commit's <c>/var</c> is empty and what packages ship there is recreated
/// at boot by systemd-tmpfiles lines (rpm-ostree's autovar): directories as <c>d</c>, symlinks as <c>L</c>, regular
/// files as <c>C</c> copies from <c>/usr/share/factory/var</c>. dpkg's own database moves into <c>/usr</c> instead.
/// </summary>
public static class VarTmpfiles
{
    /// <summary>Where the dpkg database lives in a composed tree (relative to the root).</summary>
    public const string DpkgDatabase = "usr/share/dpkg/database";

    /// <summary>Per-package tmpfiles fragments inside package commits (relative to the root).</summary>
    public const string PackageFragments = "usr/lib/aptostree/tmpfiles.d";

    /// <summary>Where regular files a package ships under <c>/var</c> are kept (relative to the root).</summary>
    public const string Factory = "usr/share/factory";

    /// <summary>Maps a package path under <c>var/lib/dpkg</c> into the relocated database; other paths are unchanged.</summary>
    public static string RelocateDpkg(string path) =>
        path == "var/lib/dpkg" ? DpkgDatabase
        : path.StartsWith("var/lib/dpkg/", StringComparison.Ordinal) ? DpkgDatabase + path["var/lib/dpkg".Length..]
        : path;

    /// <summary>A <c>d</c> line.</summary>
    public static string Directory(string path, uint permissions, uint uid, uint gid) =>
        string.Create(CultureInfo.InvariantCulture, $"d /{path} {Convert.ToString(permissions & 0xFFF, 8).PadLeft(4, '0')} {uid} {gid} - -");

    /// <summary>An <c>L</c> line.</summary>
    public static string Symlink(string path, string target) => $"L /{path} - - - - {target}";

    /// <summary>A <c>C</c> line copying from the factory.</summary>
    public static string Copy(string path) => $"C /{path} - - - - /{Factory}/{path}";
}
