using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using AptOstree.OSTree;

namespace AptOstree.Benchmarks.OSTree;

/// <summary>
/// Commit of a Debian minbase tree (built by <c>eng/bench/ostree-minbase.sh</c>; path in <c>MINBASE</c>, default
/// <c>/tmp/aptostree-minbase</c>) into bare-user and archive repositories, and hardlink checkouts of it (user mode from
/// bare-user with the default number of workers and with one; root mode from bare, which needs root).
/// Run side by side with libostree by <c>eng/bench/ostree-vs-ours.sh</c>. fsync off on both sides.
/// </summary>
[Config(typeof(InProcessMonitoringConfig))]
public class OstreeRepositoryBenchmarks
{
    private string _tree = "";
    private string _work = "";
    private OstreeRepository? _source;
    private OstreeRepository? _bare;
    private Checksum _bareCommit;
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
        _bare = OstreeRepository.Create(Path.Combine(_work, "bare"), RepoMode.Bare, new RepositoryOptions { Fsync = false });
        _bareCommit = _bare.Commit(_tree, new CommitOptions { Branch = "t" });
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_work, recursive: true);

    [Benchmark]
    public Checksum CommitBareUser() => Fresh(RepoMode.BareUser).Commit(_tree, new CommitOptions { Branch = "t" });

    [Benchmark]
    public Checksum CommitArchive() => Fresh(RepoMode.Archive).Commit(_tree, new CommitOptions { Branch = "t" });

    [Benchmark]
    public void HardlinkCheckoutUserMode() =>
        _source!.Checkout(_commit, NextCheckoutPath(), new CheckoutOptions { Mode = CheckoutMode.User, RequireHardlinks = true });

    [Benchmark]
    public void HardlinkCheckoutUserModeOneWorker() =>
        _source!.Checkout(_commit, NextCheckoutPath(), new CheckoutOptions { Mode = CheckoutMode.User, RequireHardlinks = true, MaxParallelism = 1 });

    [Benchmark]
    public void HardlinkCheckoutBare() =>
        _bare!.Checkout(_bareCommit, NextCheckoutPath(), new CheckoutOptions { RequireHardlinks = true });

    private string NextCheckoutPath() => Path.Combine(_work, "co-" + Interlocked.Increment(ref _n));

    /// <summary>
    /// Seconds-long, I/O-bound operations: a few monitored runs, in process (BenchmarkDotNet's generated
    /// out-of-process project did not build within its 2-minute timeout on the shared 2-CPU VM).
    /// </summary>
    private sealed class InProcessMonitoringConfig : ManualConfig
    {
        public InProcessMonitoringConfig() =>
            AddJob(Job.Default.WithStrategy(RunStrategy.Monitoring).WithLaunchCount(1).WithWarmupCount(1).WithIterationCount(3)
                .WithToolchain(InProcessEmitToolchain.Instance));
    }

    private OstreeRepository Fresh(RepoMode mode) =>
        OstreeRepository.Create(Path.Combine(_work, $"repo-{Interlocked.Increment(ref _n)}"), mode, new RepositoryOptions { Fsync = false });
}
