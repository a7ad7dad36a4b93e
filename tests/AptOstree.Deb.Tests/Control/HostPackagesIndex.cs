using AptOstree.Testing;

namespace AptOstree.Deb.Tests.Control;

/// <summary>
/// The host's real bookworm <c>main/binary-amd64</c> Packages index (from <c>/var/lib/apt/lists</c>), decompressed once
/// with apt's own <c>apt-helper cat-file</c> into a cache file under /tmp. Tests skip, visibly, when the host has none.
/// </summary>
internal static class HostPackagesIndex
{
    private static readonly Lock Gate = new();
    private static string? _path;

    /// <summary>Path of the uncompressed index.</summary>
    public static string Get()
    {
        lock (Gate)
        {
            if (_path is not null && File.Exists(_path))
            {
                return _path;
            }

            var source = Directory.EnumerateFiles(HostAptLists.Snapshot, "*_main_binary-amd64_Packages*")
                    .Where(f => !f.EndsWith(".diff_Index", StringComparison.Ordinal))
                    .OrderByDescending(f => new FileInfo(f).Length)
                    .FirstOrDefault();
            Skip.If(source is null, "No main/binary-amd64 Packages index in /var/lib/apt/lists; run 'apt-get update' (eng/install-deps.sh does).");
            var cacheDir = "/tmp/aptostree-test-cache/debcontrol";
            Directory.CreateDirectory(cacheDir);
            var info = new FileInfo(source!);
            var target = Path.Combine(cacheDir, $"{Path.GetFileName(source)}.{info.Length}.{info.LastWriteTimeUtc.Ticks}.txt");
            if (!File.Exists(target))
            {
                const string helper = "/usr/lib/apt/apt-helper";
                ExternalTool.Require(helper);
                var temp = target + ".tmp" + Environment.ProcessId;
                ExternalTool.Run("sh", ["-c", $"{helper} cat-file \"$1\" > \"$2\"", "sh", source!, temp]).EnsureSuccess("apt-helper cat-file");
                File.Move(temp, target, overwrite: true);
            }

            _path = target;
            return target;
        }
    }
}
