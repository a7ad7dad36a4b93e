using AptOstree.Testing;

namespace AptOstree.Deb.Tests.Dpkg;

/// <summary>
/// A private copy of the host's dpkg status file (with the <c>arch</c> file dpkg reads beside it), so that our
/// readers and <c>dpkg-query --admindir</c> see the same database even when apt or dpkg change the host's meanwhile.
/// </summary>
internal sealed class HostDpkgSnapshot : IDisposable
{
    private const string HostDirectory = "/var/lib/dpkg";

    private readonly TempDirectory _dir = new("aptostree-dpkgdb-");

    private HostDpkgSnapshot()
    {
        // dpkg replaces status by renaming a new file over it, so one copy is one consistent state.
        File.Copy(Path.Combine(HostDirectory, "status"), StatusFile);
        if (File.Exists(Path.Combine(HostDirectory, "arch")))
        {
            File.Copy(Path.Combine(HostDirectory, "arch"), _dir.Combine("arch"));
        }

        Directory.CreateDirectory(_dir.Combine("updates"));
    }

    public string StatusFile => _dir.Combine("status");

    /// <summary>Skips the test when the host has no dpkg database.</summary>
    public static HostDpkgSnapshot Take()
    {
        Skip.IfNot(File.Exists(Path.Combine(HostDirectory, "status")), $"{HostDirectory}/status does not exist on this host.");
        return new HostDpkgSnapshot();
    }

    /// <summary><c>dpkg-query -W -f=FORMAT</c> on the copy.</summary>
    public string Query(string format)
    {
        ExternalTool.Require("dpkg-query");
        return ExternalTool.Output("dpkg-query", "--admindir=" + _dir.Path, "-W", "-f=" + format);
    }

    public void Dispose() => _dir.Dispose();
}
