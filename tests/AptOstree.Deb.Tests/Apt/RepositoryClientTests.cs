using AptOstree.Deb.Apt;
using AptOstree.Deb.Solver;
using AptOstree.Testing;

namespace AptOstree.Deb.Tests.Apt;

/// <summary>apt-get update and .deb downloads against a signed repository built in the test (directory and HTTP).</summary>
public sealed class RepositoryClientTests
{
    private static AptSource Source(string uri, TestRepository repo) =>
        new("deb", uri, "test", ["main"], ["amd64"], repo.KeyPath, "test");

    [SkippableFact]
    public async Task Update_from_a_directory_and_a_file_uri_verifies_and_loads()
    {
        using var repo = new TestRepository();
        using var cache = new TempDirectory();
        foreach (var uri in new[] { repo.Root, "file:" + repo.Root })
        {
            var paths = await new RepositoryClient().UpdateAsync(Source(uri, repo), cache.Path, "amd64");
            Assert.Single(paths);
            Assert.EndsWith("_Packages.xz", paths[0], StringComparison.Ordinal);
        }

        var universe = AptListsDirectory.LoadUniverse(cache.Path, statusFile: null, "amd64", [], [Source(repo.Root, repo)]);
        var solution = new DependencySolver(universe).Solve(SolverRequest.ForInstall(["alpha"]));
        Assert.Equal(["alpha", "beta"], solution.Install.Select(p => p.Name));
        Assert.Equal("test", solution.Install[0].Origin!.Codename);
    }

    [SkippableFact]
    public async Task Update_and_parallel_download_over_http()
    {
        using var repo = new TestRepository();
        string url = repo.Serve();
        using var cache = new TempDirectory();
        await new RepositoryClient().UpdateAsync(Source(url, repo), cache.Path, "amd64");
        var universe = AptListsDirectory.LoadUniverse(cache.Path, statusFile: null, "amd64", [], [Source(url, repo)]);
        var solution = new DependencySolver(universe).Solve(SolverRequest.ForInstall(["alpha"]));
        var reports = new List<OperationProgress>();
        var files = await new PackageDownloader().DownloadAsync(solution.Install, cache.Combine("archives"), new SyncProgress(reports));
        Assert.Equal(2, files.Count);
        Assert.Equal(repo.Debs["alpha"], File.ReadAllBytes(files[0]));
        Assert.Equal(repo.Debs["beta"], File.ReadAllBytes(files[1]));
        Assert.Contains(reports, r => r.Completed == r.Total);

        // A truncated partial file is resumed and the result still verifies.
        File.Delete(files[0]);
        Directory.CreateDirectory(cache.Combine("archives", "partial"));
        File.WriteAllBytes(cache.Combine("archives", "partial", Path.GetFileName(files[0])), repo.Debs["alpha"][..1000]);
        var again = await new PackageDownloader().DownloadAsync(solution.Install, cache.Combine("archives"));
        Assert.Equal(repo.Debs["alpha"], File.ReadAllBytes(again[0]));

        // A .deb that does not match the index is rejected.
        File.Delete(again[1]);
        File.WriteAllBytes(Path.Combine(repo.Root, solution.Install[1].Filename!), new byte[repo.Debs["beta"].Length]);
        var ex = await Assert.ThrowsAsync<AptException>(() => new PackageDownloader().DownloadAsync(solution.Install, cache.Combine("archives")));
        Assert.Equal(AptErrorCodes.HashMismatch, ex.ErrorCode);
    }

    [SkippableFact]
    public async Task Hash_mismatch_and_truncation_keep_the_last_good_cache()
    {
        using var repo = new TestRepository();
        using var cache = new TempDirectory();
        var paths = await new RepositoryClient().UpdateAsync(Source(repo.Root, repo), cache.Path, "amd64");
        byte[] good = File.ReadAllBytes(paths[0]);

        // Modified index (same size): the by-hash file and the plain one both differ from the Release hash.
        byte[] evil = File.ReadAllBytes(repo.PackagesXz);
        evil[^20] ^= 0x55;
        foreach (var f in Directory.EnumerateFiles(Path.Combine(Path.GetDirectoryName(repo.PackagesXz)!, "by-hash", "SHA256")).Append(repo.PackagesXz))
        {
            if (f.EndsWith(".xz", StringComparison.Ordinal) || new FileInfo(f).Length == evil.Length)
            {
                File.WriteAllBytes(f, evil);
            }
        }

        var ex = await Assert.ThrowsAsync<AptException>(() => new RepositoryClient().UpdateAsync(Source(repo.Root, repo), cache.Path, "amd64"));
        Assert.Equal(AptErrorCodes.HashMismatch, ex.ErrorCode);
        Assert.Equal(good, File.ReadAllBytes(paths[0]));

        // Truncated index.
        foreach (var f in Directory.EnumerateFiles(Path.GetDirectoryName(repo.PackagesXz)!, "*", SearchOption.AllDirectories).Where(f => new FileInfo(f).Length == evil.Length))
        {
            File.WriteAllBytes(f, evil[..(evil.Length / 2)]);
        }

        ex = await Assert.ThrowsAsync<AptException>(() => new RepositoryClient().UpdateAsync(Source(repo.Root, repo), cache.Path, "amd64"));
        Assert.Equal(AptErrorCodes.HashMismatch, ex.ErrorCode);
        Assert.Contains("size", ex.Message, StringComparison.Ordinal);
        Assert.Equal(good, File.ReadAllBytes(paths[0]));
        Assert.Empty(Directory.EnumerateFiles(cache.Path, ".tmp-*"));
    }

    [SkippableFact]
    public async Task Bad_signature_and_expired_release_are_rejected_and_the_cache_is_kept()
    {
        using var repo = new TestRepository();
        using var cache = new TempDirectory();
        var paths = await new RepositoryClient().UpdateAsync(Source(repo.Root, repo), cache.Path, "amd64");
        byte[] good = File.ReadAllBytes(paths[0]);

        string inRelease = Path.Combine(repo.Root, "dists", "test", "InRelease");
        File.WriteAllText(inRelease, File.ReadAllText(inRelease).Replace("Origin: AptOstreeTest", "Origin: AptOstreeEvil", StringComparison.Ordinal));
        var ex = await Assert.ThrowsAsync<AptException>(() => new RepositoryClient().UpdateAsync(Source(repo.Root, repo), cache.Path, "amd64"));
        Assert.Equal(AptErrorCodes.BadSignature, ex.ErrorCode);
        Assert.Equal(good, File.ReadAllBytes(paths[0]));

        using var expired = new TestRepository(validUntil: "Mon, 01 Jan 2024 00:00:00 UTC");
        using var cache2 = new TempDirectory();
        ex = await Assert.ThrowsAsync<AptException>(() => new RepositoryClient().UpdateAsync(Source(expired.Root, expired), cache2.Path, "amd64"));
        Assert.Equal(AptErrorCodes.ReleaseExpired, ex.ErrorCode);
        Assert.Empty(Directory.EnumerateFiles(cache2.Path));
    }

    [SkippableFact]
    public async Task UpdateAsync_FileSource_RecordsItSoDownloadNeedsNoSources()
    {
        using var repo = new TestRepository();
        using var cache = new TempDirectory();
        await new RepositoryClient().UpdateAsync(Source("file:" + repo.Root, repo), cache.Path, "amd64");

        // No sources given and none of the host's names this repository: the lists say where they came from.
        var universe = AptListsDirectory.LoadUniverse(cache.Path, statusFile: null, "amd64", [], sources: []);
        var alpha = universe.Packages.Single(p => p.Name == "alpha");
        Assert.Equal("file:" + repo.Root, alpha.Origin!.BaseUri);
        var files = await new PackageDownloader().DownloadAsync([alpha], cache.Combine("archives"));
        Assert.Equal(repo.Debs["alpha"], File.ReadAllBytes(files[0]));
    }

    [Fact]
    public void OriginOf_ListsOfAnUnknownSource_HasNoBaseUriInsteadOfAGuess()
    {
        using var lists = new TempDirectory();
        File.WriteAllText(lists.Combine("example.invalid_debian_dists_stable_Release"), "Suite: stable\nCodename: stable\nComponents: main\n");
        File.WriteAllText(lists.Combine("example.invalid_debian_dists_stable_main_binary-amd64_Packages"), "Package: a\nVersion: 1\nArchitecture: all\nFilename: pool/a.deb\n");
        var origin = AptListsDirectory.OriginOf(lists.Combine("example.invalid_debian_dists_stable_main_binary-amd64_Packages"), out _, []);
        Assert.NotNull(origin);
        Assert.Equal("main", origin.Component);
        Assert.Null(origin.BaseUri);
    }

    [SkippableFact]
    public async Task UpdateAsync_OlderCopyInAnotherCompression_Removed()
    {
        using var repo = new TestRepository();
        using var cache = new TempDirectory();
        var source = Source(repo.Root, repo);
        string stale = cache.Combine(source.ListPrefix + "_main_binary-amd64_Packages.gz");
        File.WriteAllBytes(stale, [1, 2, 3]);
        var paths = await new RepositoryClient().UpdateAsync(source, cache.Path, "amd64");
        Assert.False(File.Exists(stale));
        Assert.Equal(paths, AptListsDirectory.FindPackagesIndexes(cache.Path));
    }

    [SkippableFact]
    public void ListPrefix_FileSource_NamesTheListsAptGetUpdateWrites()
    {
        using var sandbox = new AptGetSandbox();
        sandbox.Publish("Package: a\nVersion: 1.0\nArchitecture: all\nFilename: pool/a.deb\nSize: 1\nDescription: x\n\n");
        var names = Directory.GetFiles(sandbox.Lists).Select(Path.GetFileName).ToList();
        Assert.Contains(sandbox.Source.ListPrefix + "_Release", names);
        Assert.StartsWith("_", sandbox.Source.ListPrefix, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://user:secret@127.0.0.1:8080/deb_ian/", "stable", "127.0.0.1:8080_deb%5fian_dists_stable")]
    [InlineData("https://10.0.0.2/debian", "bookworm/updates", "10.0.0.2_debian_dists_bookworm_updates")]
    [InlineData("file:///srv/repo", "./", "_srv_repo_.")]
    [InlineData("http://[::1]:80/a~b", "x", "::1:80_a%7eb_dists_x")]
    public void ListPrefix_Uri_QuotedAsAptUriToFileName(string uri, string suite, string expected) =>
        Assert.Equal(expected, new AptSource("deb", uri, suite, suite.EndsWith('/') ? [] : ["main"], [], null, "test").ListPrefix);

    private sealed class SyncProgress(List<OperationProgress> reports) : IProgress<OperationProgress>
    {
        public void Report(OperationProgress value)
        {
            lock (reports)
            {
                reports.Add(value);
            }
        }
    }
}
