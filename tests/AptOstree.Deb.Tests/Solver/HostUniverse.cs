using AptOstree.Deb.Apt;
using AptOstree.Deb.Solver;
using AptOstree.Testing;

namespace AptOstree.Deb.Tests.Solver;

/// <summary>The host's bookworm universe (APT's lists, empty status), loaded once for all solver tests.</summary>
internal static class HostUniverse
{
    private static readonly Lazy<PackageUniverse?> Universe = new(() =>
        AptListsDirectory.FindPackagesIndexes().Count == 0 ? null : AptListsDirectory.LoadUniverse(statusFile: null));

    public static PackageUniverse Get()
    {
        ExternalTool.Require("apt-get");
        Skip.If(Universe.Value is null, "The host has no APT lists in /var/lib/apt/lists; run apt-get update.");
        return Universe.Value!;
    }
}
