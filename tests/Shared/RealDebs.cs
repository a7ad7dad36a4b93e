namespace AptOstree.Testing;

/// <summary>
/// Real Debian packages fetched with <c>apt-get download</c> from the host's configured apt sources,
/// cached across test runs in <c>/tmp/aptostree-test-cache/debs</c>.
/// </summary>
public static class RealDebs
{
    private static readonly Lock Gate = new();

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
            var existing = Find(package);
            if (existing is not null)
            {
                return existing;
            }

            var result = ExternalTool.Run("apt-get", ["download", "-q", package], workingDirectory: CacheDirectory);
            existing = Find(package);
            Skip.If(existing is null, $"apt-get download {package} failed (exit {result.ExitCode}): {result.StandardError.Trim()}");
            return existing!;
        }
    }

    private static string? Find(string package) =>
        Directory.EnumerateFiles(CacheDirectory, package + "_*.deb")
            .Where(f => Path.GetFileName(f).Split('_')[0] == package)
            .OrderByDescending(File.GetLastWriteTimeUtc)
            .FirstOrDefault();
}
