using System.Text;
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
        var result = DeploymentOrigin.Parse(WithoutGroup(origin.WithoutTransientState().ToString(), PackagesGroup), "origin");
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

    private static string WithoutGroup(string text, string group)
    {
        var sb = new StringBuilder(text.Length);
        bool skipping = false;
        foreach (var line in text.Split('\n'))
        {
            string trimmed = line.Trim();
            if (trimmed.StartsWith('[') && trimmed.EndsWith(']'))
            {
                skipping = trimmed[1..^1] == group;
            }

            if (!skipping)
            {
                sb.Append(line).Append('\n');
            }
        }

        return sb.ToString().TrimEnd('\n') + "\n";
    }
}
