using System.Security.Cryptography;
using AptOstree.Deb.Solver;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AptOstree.Deb.Apt;

/// <summary>
/// Downloads .debs in parallel into a cache directory, named as APT names them
/// (<c>name_version_arch.deb</c>, <c>_</c>, <c>:</c>, <c>%</c>, blanks and non-ASCII quoted as <c>%xx</c>; a name that
/// is not a single file name is refused): partial files under <c>partial/</c> are resumed, and every file is
/// verified before it is moved into place against the index's size and every hash the index lists, of which at
/// least one must be SHA-256 or SHA-512 (as APT, MD5 and SHA-1 alone are not enough). Failures are retried.
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

    /// <summary>The name APT gives the downloaded .deb of <paramref name="package"/> (<c>hello_2.10-3_amd64.deb</c>, <c>p_1%3a2.0_all.deb</c>).</summary>
    /// <exception cref="UnsafePathException">The index's fields would make a name that is not a single file name.</exception>
    public static string ArchiveFileName(UniversePackage package)
    {
        ArgumentNullException.ThrowIfNull(package);
        return AptFileNames.ArchiveFileName(package.Name, package.Version, package.Architecture, package.Filename, ".");
    }

    /// <summary>Downloads <paramref name="packages"/>; returns the cached file of each, in input order.</summary>
    /// <exception cref="AptException">A package has no download location, no size or no SHA-256/SHA-512 in its index
    /// (<see cref="AptErrorCodes.InsecureIndexEntry"/>), or its download does not match (<see cref="AptErrorCodes.HashMismatch"/>).</exception>
    /// <exception cref="UnsafePathException">A package's index fields would name a file outside <paramref name="cacheDirectory"/>.</exception>
    public async Task<IReadOnlyList<string>> DownloadAsync(IReadOnlyList<UniversePackage> packages, string cacheDirectory, IProgress<OperationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(packages);
        ArgumentNullException.ThrowIfNull(cacheDirectory);

        // Every name and every index entry is checked before anything is fetched or written.
        var names = new string[packages.Count];
        for (int i = 0; i < packages.Count; i++)
        {
            var p = packages[i];
            if (p.Filename is null)
            {
                throw new AptException(AptErrorCodes.DownloadFailed, $"{p} has no download location (no index offers it).");
            }

            names[i] = AptFileNames.ArchiveFileName(p.Name, p.Version, p.Architecture, p.Filename, cacheDirectory);
            ExpectedFile.For(p);
            if (p.Origin?.BaseUri is null)
            {
                throw new AptException(AptErrorCodes.DownloadFailed, $"{p} has no download location: no source names the repository of its index (give the sources the lists were updated from).");
            }
        }

        string partial = Path.Combine(cacheDirectory, "partial");
        Directory.CreateDirectory(partial);
        long total = packages.Sum(p => p.Size);
        long done = 0;
        var result = new string[packages.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, packages.Count), new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken }, async (i, ct) =>
        {
            var p = packages[i];
            var expected = ExpectedFile.For(p);
            string final = Path.Combine(cacheDirectory, names[i]);
            if (!(File.Exists(final) && expected.Matches(final) is null))
            {
                string tmp = Path.Combine(partial, names[i]);
                string uri = $"{p.Origin!.BaseUri!.TrimEnd('/')}/{p.Filename}";
                for (int attempt = 1; ; attempt++)
                {
                    if (!await _fetcher.TryDownloadAsync(uri, tmp, resume: true, ct).ConfigureAwait(false))
                    {
                        throw new AptException(AptErrorCodes.DownloadFailed, $"{uri} does not exist.");
                    }

                    string? mismatch = expected.Matches(tmp);
                    if (mismatch is null)
                    {
                        break;
                    }

                    File.Delete(tmp);
                    if (attempt >= 3)
                    {
                        throw new AptException(AptErrorCodes.HashMismatch, $"{uri}: {mismatch}");
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

    /// <summary>What the index promises about a .deb: its size and the hashes it lists.</summary>
    private sealed record ExpectedFile(long Size, IReadOnlyList<(string Name, HashAlgorithmName Algorithm, string Hex)> Hashes)
    {
        public static ExpectedFile For(UniversePackage p)
        {
            if (p.Size <= 0)
            {
                throw new AptException(AptErrorCodes.InsecureIndexEntry, $"{p}: the index gives no Size for {p.Filename}; refusing to download it.");
            }

            var hashes = new List<(string, HashAlgorithmName, string)>();
            Add(hashes, "SHA512", HashAlgorithmName.SHA512, p.Sha512);
            Add(hashes, "SHA256", HashAlgorithmName.SHA256, p.Sha256);
            if (hashes.Count == 0)
            {
                string weak = string.Join(", ", new[] { p.Sha1 is null ? null : "SHA1", p.Md5Sum is null ? null : "MD5sum" }.OfType<string>());
                throw new AptException(AptErrorCodes.InsecureIndexEntry, $"{p}: the index lists no SHA256 or SHA512 for {p.Filename} ({(weak.Length == 0 ? "no hash at all" : "only " + weak + ", too weak")}); refusing to download it, as APT does.");
            }

            Add(hashes, "SHA1", HashAlgorithmName.SHA1, p.Sha1);
            Add(hashes, "MD5sum", HashAlgorithmName.MD5, p.Md5Sum);
            return new ExpectedFile(p.Size, hashes);
        }

        /// <summary>Null when <paramref name="path"/> has the size and every hash; otherwise what differs.</summary>
        public string? Matches(string path)
        {
            long length = new FileInfo(path).Length;
            if (length != Size)
            {
                return $"the download has {length} bytes, the index promises {Size}.";
            }

            var incremental = Hashes.Select(h => IncrementalHash.CreateHash(h.Algorithm)).ToArray();
            try
            {
                using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16))
                {
                    byte[] buffer = new byte[1 << 16];
                    int n;
                    while ((n = stream.Read(buffer)) > 0)
                    {
                        foreach (var h in incremental)
                        {
                            h.AppendData(buffer, 0, n);
                        }
                    }
                }

                for (int k = 0; k < Hashes.Count; k++)
                {
                    string actual = Convert.ToHexStringLower(incremental[k].GetHashAndReset());
                    if (!string.Equals(actual, Hashes[k].Hex, StringComparison.OrdinalIgnoreCase))
                    {
                        return $"{Hashes[k].Name} {actual} of the download differs from {Hashes[k].Hex} in the index.";
                    }
                }

                return null;
            }
            finally
            {
                foreach (var h in incremental)
                {
                    h.Dispose();
                }
            }
        }

        private static void Add(List<(string, HashAlgorithmName, string)> hashes, string name, HashAlgorithmName algorithm, string? hex)
        {
            if (!string.IsNullOrEmpty(hex))
            {
                hashes.Add((name, algorithm, hex));
            }
        }
    }
}
