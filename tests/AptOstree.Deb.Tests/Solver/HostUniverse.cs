using AptOstree.Deb.Apt;
using AptOstree.Deb.Solver;
using AptOstree.Testing;

namespace AptOstree.Deb.Tests.Solver;

/// <summary>
/// The host's bookworm universe (the run's snapshot of APT's lists, <see cref="HostAptLists"/>, empty status), loaded
/// once for all solver tests; apt-get runs compared with it read the same snapshot.
/// </summary>
internal static class HostUniverse
{
    private static readonly Lazy<PackageUniverse> Universe = new(() => AptListsDirectory.LoadUniverse(HostAptLists.Snapshot, statusFile: null));

    public static PackageUniverse Get()
    {
        ExternalTool.Require("apt-get");
        _ = HostAptLists.Snapshot;
        return Universe.Value;
    }
}
