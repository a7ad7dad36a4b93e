using System.Security.Cryptography;
using AptOstree.Deb.Solver;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AptOstree.Deb.Apt;

/// <summary>
/// Downloads .debs in parallel into a cache directory (<c>name_version_arch.deb</c>, version colons escaped as
/// <c>%3a</c> like APT): partial files under <c>partial/</c> are resumed, every file is verified against the
/// index's size and SHA-256 before it is moved into place, and failures are retried.
/// </summary>
public sealed class PackageDownloader
{
    private readonly UriFetcher _fetcher;

    /// <summary>Creates a downloader.</summary>
    public PackageDownloader(HttpClient? http = null, ILogger<PackageDownloader>? logger = null)
    {
        _fetcher = new UriFetcher(http ?? new HttpClient { Timeout = TimeSpan.FromMinutes(10) }, (ILogger?)logger ?? NullLogger.Instance);
    }

    /// <summary>Maximum number of simultaneous downloads.</summary>
    public int Parallelism { get; init; } = 4;

    /// <summary>Downloads <paramref name="packages"/>; returns the cached file of each, in input order.</summary>
    public async Task<IReadOnlyList<string>> DownloadAsync(IReadOnlyList<UniversePackage> packages, string cacheDirectory, IProgress<OperationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(packages);
        ArgumentNullException.ThrowIfNull(cacheDirectory);
        string partial = Path.Combine(cacheDirectory, "partial");
        Directory.CreateDirectory(partial);
        long total = packages.Sum(p => p.Size);
        long done = 0;
        var result = new string[packages.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, packages.Count), new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken }, async (i, ct) =>
        {
            var p = packages[i];
            if (p.Filename is null || p.Origin?.BaseUri is null)
            {
                throw new AptException(AptErrorCodes.DownloadFailed, $"{p} has no download location (it is not in any configured index).");
            }

            string name = $"{p.Name}_{p.Version.Replace(":", "%3a", StringComparison.Ordinal)}_{p.Architecture}.deb";
            string final = Path.Combine(cacheDirectory, name);
            if (!(File.Exists(final) && Matches(final, p)))
            {
                string tmp = Path.Combine(partial, name);
                string uri = $"{p.Origin.BaseUri.TrimEnd('/')}/{p.Filename}";
                for (int attempt = 1; ; attempt++)
                {
                    if (!await _fetcher.TryDownloadAsync(uri, tmp, resume: true, ct).ConfigureAwait(false))
                    {
                        throw new AptException(AptErrorCodes.DownloadFailed, $"{uri} does not exist.");
                    }

                    if (Matches(tmp, p))
                    {
                        break;
                    }

                    File.Delete(tmp);
                    if (attempt >= 3)
                    {
                        throw new AptException(AptErrorCodes.HashMismatch, $"{uri}: the download does not match the size {p.Size} and SHA-256 {p.Sha256} of the index.");
                    }
                }

                File.Move(tmp, final, overwrite: true);
            }

            result[i] = final;
            long now = Interlocked.Add(ref done, p.Size);
            progress?.Report(new OperationProgress("download", now, total, ProgressUnit.Bytes, p.Name));
        }).ConfigureAwait(false);
        return result;
    }

    private static bool Matches(string path, UniversePackage p)
    {
        var info = new FileInfo(path);
        if (p.Size > 0 && info.Length != p.Size)
        {
            return false;
        }

        if (p.Sha256 is null)
        {
            return p.Size > 0;
        }

        using var stream = File.OpenRead(path);
        return string.Equals(Convert.ToHexStringLower(SHA256.HashData(stream)), p.Sha256, StringComparison.OrdinalIgnoreCase);
    }
}
