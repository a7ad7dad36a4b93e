using System.Security.Cryptography;
using AptOstree.OpenPgp;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AptOstree.Deb.Apt;

/// <summary>
/// <c>apt-get update</c> for one or more sources: fetches InRelease (or Release + Release.gpg), verifies the
/// signature against the source's keyring, checks Date/Valid-Until, then fetches each Packages index in the best
/// compression offered (by hash when <c>Acquire-By-Hash: yes</c>), verifies size and SHA-256 against the
/// Release, and replaces the cached copies atomically (other compressions of the same index go). Any failure leaves
/// the previous cache untouched. The cache uses APT's list-directory naming, so
/// <see cref="AptListsDirectory.LoadUniverse"/> reads it, and records each source beside its lists
/// (<see cref="AptListsDirectory.RecordedSources"/>), so downloads know where the packages are.
/// </summary>
public sealed class RepositoryClient
{
    private readonly UriFetcher _fetcher;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    /// <summary>Creates a client.</summary>
    /// <param name="http">HTTP client (a shared default when null).</param>
    /// <param name="timeProvider">Clock for Valid-Until checks.</param>
    /// <param name="logger">Logger.</param>
    public RepositoryClient(HttpClient? http = null, TimeProvider? timeProvider = null, ILogger<RepositoryClient>? logger = null)
    {
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _fetcher = new UriFetcher(http ?? SharedHttp.Value, _logger);
        _time = timeProvider ?? TimeProvider.System;
    }

    private static Lazy<HttpClient> SharedHttp { get; } = new(() => new HttpClient { Timeout = TimeSpan.FromMinutes(5) });

    /// <summary>Updates the cache for one source and returns the paths of its cached Packages indexes.</summary>
    /// <param name="source">The source entry.</param>
    /// <param name="cacheDirectory">The list cache (created when missing).</param>
    /// <param name="architecture">Architecture to fetch when the source does not restrict them.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    public async Task<IReadOnlyList<string>> UpdateAsync(AptSource source, string cacheDirectory, string architecture, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(cacheDirectory);
        Directory.CreateDirectory(cacheDirectory);
        string dist = source.DistributionUri;
        string prefix = source.ListPrefix;
        var keyring = LoadKeyring(source);

        string releaseText;
        string releaseCacheName;
        byte[]? releaseBytes;
        var inRelease = await _fetcher.TryGetBytesAsync(dist + "/InRelease", cancellationToken).ConfigureAwait(false);
        if (inRelease is not null)
        {
            releaseText = OpenPgpVerifier.VerifyInRelease(System.Text.Encoding.UTF8.GetString(inRelease), keyring, dist + "/InRelease");
            releaseBytes = inRelease;
            releaseCacheName = prefix + "_InRelease";
        }
        else
        {
            var release = await _fetcher.TryGetBytesAsync(dist + "/Release", cancellationToken).ConfigureAwait(false)
                ?? throw new AptException(AptErrorCodes.DownloadFailed, $"{dist}: neither InRelease nor Release exists.");
            var signature = await _fetcher.TryGetBytesAsync(dist + "/Release.gpg", cancellationToken).ConfigureAwait(false)
                ?? throw new AptException(AptErrorCodes.BadSignature, $"{dist}/Release is not signed (no Release.gpg).");
            OpenPgpVerifier.VerifyDetached(release, signature, keyring, dist + "/Release");
            releaseText = System.Text.Encoding.UTF8.GetString(release);
            releaseBytes = release;
            releaseCacheName = prefix + "_Release";
        }

        var parsed = ReleaseFile.Parse(releaseText, dist + "/Release");
        parsed.EnsureFresh(_time.GetUtcNow(), dist + "/Release");

        var archs = source.Architectures.Count > 0 ? source.Architectures : [architecture];
        var targets = new List<(string Relative, ReleaseFileEntry Entry, string CacheName, string PlainCacheName)>();
        foreach (var component in source.IsFlat ? [string.Empty] : source.Components)
        {
            foreach (var arch in archs)
            {
                string basePath = source.IsFlat ? "Packages" : $"{component}/binary-{arch}/Packages";
                var chosen = IndexCompressionFormats.DownloadPreference
                    .Select(c => basePath + IndexCompressionFormats.Extension(c))
                    .FirstOrDefault(parsed.Files.ContainsKey)
                    ?? throw new AptException(AptErrorCodes.InvalidRelease, $"{dist}/Release lists no {basePath} index (in any compression).");
                targets.Add((chosen, parsed.Files[chosen], prefix + "_" + chosen.Replace('/', '_'), prefix + "_" + basePath.Replace('/', '_')));
            }
        }

        // Download everything into temporaries first; only when all verify do they replace the cache.
        var staged = new List<(string Temp, string Final)>();
        try
        {
            foreach (var (relative, entry, cacheName, _) in targets)
            {
                string tmp = AtomicFile.TemporarySibling(Path.Combine(cacheDirectory, cacheName));
                staged.Add((tmp, Path.Combine(cacheDirectory, cacheName)));
                string plainUri = $"{dist}/{relative}";
                bool got = false;
                if (parsed.AcquireByHash)
                {
                    int slash = relative.LastIndexOf('/');
                    string dir = slash < 0 ? string.Empty : relative[..(slash + 1)];
                    got = await _fetcher.TryDownloadAsync($"{dist}/{dir}by-hash/SHA256/{entry.Sha256}", tmp, resume: false, cancellationToken).ConfigureAwait(false);
                }

                if (!got && !await _fetcher.TryDownloadAsync(plainUri, tmp, resume: false, cancellationToken).ConfigureAwait(false))
                {
                    throw new AptException(AptErrorCodes.DownloadFailed, $"{plainUri} is listed in the Release file but does not exist.");
                }

                VerifyFile(tmp, entry, plainUri);
                string plainRelative = relative[..^IndexCompressionFormats.Extension(IndexCompressionFormats.FromFileName(relative)).Length];
                if (plainRelative != relative && parsed.Files.TryGetValue(plainRelative, out var plainEntry))
                {
                    byte[] decoded = IndexCompressionFormats.ReadAllDecoded(tmp, IndexCompressionFormats.FromFileName(relative));
                    VerifyBytes(decoded, plainEntry, plainUri + " (decompressed)");
                }
            }

            foreach (var (temp, final) in staged)
            {
                File.Move(temp, final, overwrite: true);
            }

            // One copy per index: an older download in another compression would be read twice.
            foreach (var (_, _, cacheName, plainCacheName) in targets)
            {
                foreach (var compression in IndexCompressionFormats.DownloadPreference)
                {
                    string other = plainCacheName + IndexCompressionFormats.Extension(compression);
                    if (other != cacheName)
                    {
                        File.Delete(Path.Combine(cacheDirectory, other));
                    }
                }
            }

            AtomicFile.Write(Path.Combine(cacheDirectory, releaseCacheName), releaseBytes, durable: true);
            AtomicFile.Write(Path.Combine(cacheDirectory, prefix + AptListsDirectory.SourceRecordExtension), System.Text.Encoding.UTF8.GetBytes(source.ToDeb822()), durable: true);
            string fingerprint = keyring.CertificateCount > 0 ? keyring.Fingerprints[0] : string.Empty;
            AptLog.ReleaseVerified(_logger, dist, fingerprint);
            return staged.Select(s => s.Final).ToList();
        }
        catch (Exception ex)
        {
            foreach (var (temp, _) in staged)
            {
                File.Delete(temp);
            }

            AptLog.KeptCachedCopy(_logger, dist, ex.Message);
            throw;
        }
    }

    /// <summary>Updates every <c>deb</c> source; returns all cached index paths.</summary>
    public async Task<IReadOnlyList<string>> UpdateAllAsync(IEnumerable<AptSource> sources, string cacheDirectory, string architecture, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sources);
        var all = new List<string>();
        foreach (var source in sources.Where(s => s.Type == "deb"))
        {
            all.AddRange(await UpdateAsync(source, cacheDirectory, architecture, cancellationToken).ConfigureAwait(false));
        }

        return all;
    }

    private static OpenPgpKeyring LoadKeyring(AptSource source)
    {
        if (source.SignedBy is { } signedBy)
        {
            return signedBy.Contains("BEGIN PGP", StringComparison.Ordinal)
                ? OpenPgpKeyring.FromArmoredText(signedBy, source.Location + " Signed-By")
                : OpenPgpKeyring.Combine(signedBy.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(OpenPgpKeyring.LoadFile));
        }

        var files = new List<string>();
        if (File.Exists("/etc/apt/trusted.gpg"))
        {
            files.Add("/etc/apt/trusted.gpg");
        }

        if (Directory.Exists("/etc/apt/trusted.gpg.d"))
        {
            files.AddRange(Directory.EnumerateFiles("/etc/apt/trusted.gpg.d").Where(f => f.EndsWith(".gpg", StringComparison.Ordinal) || f.EndsWith(".asc", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
        }

        if (files.Count == 0)
        {
            throw new AptException(AptErrorCodes.InvalidKeyring, $"{source.Location}: no Signed-By and no keyring in /etc/apt/trusted.gpg.d.");
        }

        return OpenPgpKeyring.Combine(files.Select(OpenPgpKeyring.LoadFile));
    }

    private static void VerifyFile(string path, ReleaseFileEntry entry, string what)
    {
        var info = new FileInfo(path);
        if (info.Length != entry.Size)
        {
            throw new AptException(AptErrorCodes.HashMismatch, $"{what}: size {info.Length} differs from the {entry.Size} bytes the Release file promises (truncated or modified download).");
        }

        using var stream = File.OpenRead(path);
        string actual = Convert.ToHexStringLower(SHA256.HashData(stream));
        if (actual != entry.Sha256)
        {
            throw new AptException(AptErrorCodes.HashMismatch, $"{what}: SHA-256 {actual} differs from {entry.Sha256} in the Release file.");
        }
    }

    private static void VerifyBytes(byte[] data, ReleaseFileEntry entry, string what)
    {
        string actual = Convert.ToHexStringLower(SHA256.HashData(data));
        if (data.LongLength != entry.Size || actual != entry.Sha256)
        {
            throw new AptException(AptErrorCodes.HashMismatch, $"{what}: SHA-256 {actual} / {data.LongLength} bytes differ from {entry.Sha256} / {entry.Size} in the Release file.");
        }
    }
}
