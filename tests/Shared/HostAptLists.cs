namespace AptOstree.Testing;

/// <summary>
/// A copy of the host's APT lists taken once per test run. Tests that compare the SDK with apt read this copy on
/// both sides (<see cref="AptGetOptions"/> points apt-get at it), so a mirror update during the run cannot make the
/// two sides see different indexes.
/// </summary>
public static class HostAptLists
{
    /// <summary>The host's live list directory.</summary>
    public const string LiveDirectory = "/var/lib/apt/lists";

    private static readonly Lazy<string?> Copy = new(TakeSnapshot);

    /// <summary>The snapshot directory; skips the test when the host has no Packages index.</summary>
    public static string Snapshot
    {
        get
        {
            Skip.If(Copy.Value is null, $"The host has no Packages indexes in {LiveDirectory}; run apt-get update (eng/install-deps.sh does).");
            return Copy.Value!;
        }
    }

    /// <summary>apt-get / libapt options that read <see cref="Snapshot"/> and build their cache in memory.</summary>
    public static string[] AptGetOptions =>
        ["-o", "Dir::State::lists=" + Snapshot, "-o", "Dir::Cache::pkgcache=", "-o", "Dir::Cache::srcpkgcache="];

    private static string? TakeSnapshot()
    {
        if (!Directory.Exists(LiveDirectory) || !Directory.EnumerateFiles(LiveDirectory, "*_Packages*").Any())
        {
            return null;
        }

        string target = Path.Combine(Path.GetTempPath(), $"aptostree-lists-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path.Combine(target, "partial"));
        foreach (var file in Directory.EnumerateFiles(LiveDirectory))
        {
            string name = Path.GetFileName(file);
            if (name != "lock")
            {
                File.Copy(file, Path.Combine(target, name));
            }
        }

        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Directory.Delete(target, recursive: true);
            }
            catch (IOException)
            {
            }
        };
        return target;
    }
}
