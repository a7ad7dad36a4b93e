namespace AptOstree.Testing;

/// <summary>
/// Real Debian packages fetched with <c>apt-get download</c> from the host's configured apt sources,
/// cached across test runs in <c>/tmp/aptostree-test-cache/debs</c>.
/// </summary>
/// <remarks>
/// The test projects run in parallel processes that share the cache, so a process-wide lock is not enough:
/// downloads are serialized with a lock file, and because <c>apt-get download</c> writes the .deb in place while it
/// arrives, each download goes into a private directory and only the finished file is renamed into the cache.
/// </remarks>
public static class RealDebs
{
    private static readonly Lock Gate = new();

    private static readonly TimeSpan LockTimeout = TimeSpan.FromMinutes(20);

    public static string CacheDirectory { get; } =
        Environment.GetEnvironmentVariable("APTOSTREE_TEST_DEB_CACHE") ?? "/tmp/aptostree-test-cache/debs";

    /// <summary>
    /// Path of the .deb for <paramref name="package"/> (candidate version), downloading it when absent.
    /// Skips the test with a visible reason when apt-get is missing or the download fails.
    /// </summary>
    public static string Get(string package)
    {
        ExternalTool.Require("apt-get");
        lock (Gate)
        {
            Directory.CreateDirectory(CacheDirectory);
            using var crossProcess = LockCache();
            var existing = Find(package);
            if (existing is not null)
            {
                return existing;
            }

            string staging = Path.Combine(CacheDirectory, $".download-{Environment.ProcessId}-{Guid.NewGuid():N}");
            Directory.CreateDirectory(staging);
            ToolResult result;
            try
            {
                result = ExternalTool.Run("apt-get", ["download", "-q", package], workingDirectory: staging);
                if (result.ExitCode == 0)
                {
                    foreach (var deb in Directory.EnumerateFiles(staging, "*.deb"))
                    {
                        File.Move(deb, Path.Combine(CacheDirectory, Path.GetFileName(deb)), overwrite: true);
                    }
                }
            }
            finally
            {
                Directory.Delete(staging, recursive: true);
            }

            existing = Find(package);
            Skip.If(existing is null, $"apt-get download {package} failed (exit {result.ExitCode}): {result.StandardError.Trim()}");
            return existing!;
        }
    }

    /// <summary>An exclusive lock (flock) on a file in the cache, held by one test process at a time.</summary>
    private static FileStream LockCache()
    {
        string path = Path.Combine(CacheDirectory, ".lock");
        var deadline = DateTime.UtcNow + LockTimeout;
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(200);
            }
        }
    }

    private static string? Find(string package) =>
        Directory.EnumerateFiles(CacheDirectory, package + "_*.deb")
            .Where(f => Path.GetFileName(f).Split('_')[0] == package)
            .OrderByDescending(File.GetLastWriteTimeUtc)
            .FirstOrDefault();
}
