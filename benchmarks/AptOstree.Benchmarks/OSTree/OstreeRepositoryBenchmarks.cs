using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using AptOstree.OSTree;

namespace AptOstree.Benchmarks.OSTree;

/// <summary>
/// Commit of a Debian minbase tree (built by <c>eng/bench/ostree-minbase.sh</c>; path in <c>MINBASE</c>, default
/// <c>/tmp/aptostree-minbase</c>) into bare-user and archive repositories, and a user-mode hardlink checkout.
/// Run side by side with libostree by <c>eng/bench/ostree-vs-ours.sh</c>. fsync off on both sides.
/// </summary>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 3)]
public class OstreeRepositoryBenchmarks
{
    private string _tree = "";
    private string _work = "";
    private OstreeRepository? _source;
    private Checksum _commit;
    private int _n;

    [GlobalSetup]
    public void Setup()
    {
        _tree = Environment.GetEnvironmentVariable("MINBASE") ?? "/tmp/aptostree-minbase";
        if (!Directory.Exists(Path.Combine(_tree, "usr")))
        {
            throw new InvalidOperationException($"{_tree} is missing; run eng/bench/ostree-minbase.sh first.");
        }

        _work = Directory.CreateTempSubdirectory("aptostree-bench-").FullName;
        _source = OstreeRepository.Create(Path.Combine(_work, "source"), RepoMode.BareUser, new RepositoryOptions { Fsync = false });
        _commit = _source.Commit(_tree, new CommitOptions { Branch = "t" });
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_work, recursive: true);

    [Benchmark]
    public Checksum CommitBareUser() => Fresh(RepoMode.BareUser).Commit(_tree, new CommitOptions { Branch = "t" });

    [Benchmark]
    public Checksum CommitArchive() => Fresh(RepoMode.Archive).Commit(_tree, new CommitOptions { Branch = "t" });

    [Benchmark]
    public void HardlinkCheckoutUserMode() =>
        _source!.Checkout(_commit, Path.Combine(_work, "co-" + Interlocked.Increment(ref _n)), new CheckoutOptions { Mode = CheckoutMode.User, RequireHardlinks = true });

    private OstreeRepository Fresh(RepoMode mode) =>
        OstreeRepository.Create(Path.Combine(_work, $"repo-{Interlocked.Increment(ref _n)}"), mode, new RepositoryOptions { Fsync = false });
}
