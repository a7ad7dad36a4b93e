using AptOstree.OSTree.Sysroot;

namespace AptOstree.Compose.Layering;

/// <summary>
/// The layering request in a deployment's origin file, with rpm-ostree's keys: <c>[packages] requested=a;b;</c> and
/// <c>requested-local=SHA256:NAME_VERSION_ARCH;</c>. The <c>[origin] refspec</c> stays as ostree writes it, so
/// <c>ostree admin status</c> keeps reading the deployment's origin.
/// </summary>
public static class LayeredOrigin
{
    /// <summary>The origin group of the request.</summary>
    public const string PackagesGroup = "packages";

    /// <summary>The repository package names requested.</summary>
    public static IReadOnlyList<string> RequestedPackages(DeploymentOrigin? origin) => List(origin, "requested");

    /// <summary>The local .deb files requested.</summary>
    public static IReadOnlyList<LocalPackageRequest> RequestedLocalPackages(DeploymentOrigin? origin) =>
        List(origin, "requested-local").Select(LocalPackageRequest.TryParse).OfType<LocalPackageRequest>().ToList();

    /// <summary>
    /// A copy of <paramref name="origin"/> requesting exactly <paramref name="packages"/> and <paramref name="local"/>
    /// (empty lists remove the keys, and the group when nothing is left), without libostree's transient state.
    /// </summary>
    public static DeploymentOrigin WithRequests(DeploymentOrigin origin, IEnumerable<string> packages, IEnumerable<LocalPackageRequest> local)
    {
        ArgumentNullException.ThrowIfNull(origin);
        var names = packages.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var files = local.DistinctBy(l => l.Sha256).OrderBy(l => l.Nevra, StringComparer.Ordinal).ToList();
        var result = origin.WithoutTransientState().WithoutGroup(PackagesGroup);
        if (names.Count > 0)
        {
            result = result.WithValue(PackagesGroup, "requested", string.Concat(names.Select(n => n + ";")));
        }

        if (files.Count > 0)
        {
            result = result.WithValue(PackagesGroup, "requested-local", string.Concat(files.Select(f => f + ";")));
        }

        return result;
    }

    private static List<string> List(DeploymentOrigin? origin, string key) =>
        origin?.GetValue(PackagesGroup, key) is { } value ? value.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList() : [];
}
