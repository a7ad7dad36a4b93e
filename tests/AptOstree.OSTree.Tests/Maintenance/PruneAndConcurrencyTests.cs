using AptOstree.Testing;

namespace AptOstree.OSTree.Tests.Maintenance;

public class PruneAndConcurrencyTests
{
    [SkippableFact]
    public void PruneRemovesExactlyWhatOstreeWouldRemove()
    {
        ExternalTool.Require("ostree");
        using var tmp = new TempDirectory("ostree-prune-");
        string tree = tmp.Combine("tree");
        OstreeTestTrees.BuildGolden(tree, includeSpecialModes: false);
        var repo = OstreeRepository.Create(tmp.Combine("repo"), RepoMode.BareUser);
        var first = repo.Commit(tree, new CommitOptions { Branch = "keep" });
        File.WriteAllText(Path.Combine(tree, "only-in-second"), "unique content");
        var second = repo.Commit(tree, new CommitOptions { Branch = "keep" });
        File.WriteAllText(Path.Combine(tree, "only-in-gone"), "gone content");
        repo.Commit(tree, new CommitOptions { Branch = "gone", Orphan = true });
        repo.Refs.Delete("gone");

        string copy = tmp.Combine("copy");
        ExternalTool.Run("cp", ["-a", repo.Path, copy]).EnsureSuccess("cp");
        var dry = repo.Prune(new PruneOptions { RefsOnly = true, Depth = 0, DryRun = true });
        string ostreeOut = OstreeTestTrees.Ostree("--repo=" + copy, "prune", "--refs-only", "--depth=0");
        Assert.Contains($"Total objects: {dry.ObjectsTotal}", ostreeOut, StringComparison.Ordinal);
        Assert.Contains($"Deleted {dry.ObjectsPruned} objects", ostreeOut, StringComparison.Ordinal);

        var result = repo.Prune(new PruneOptions { RefsOnly = true, Depth = 0 });
        Assert.Equal(dry.ObjectsPruned, result.ObjectsPruned);
        Assert.Equal(
            Directory.EnumerateFiles(Path.Combine(copy, "objects"), "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(copy, f)).Order(),
            Directory.EnumerateFiles(repo.Objects.Directory, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(repo.Path, f)).Order());
        Assert.False(repo.Objects.Contains(first, ObjectType.Commit));
        Assert.True(repo.Objects.Contains(second, ObjectType.Commit));
        OstreeTestTrees.Ostree("--repo=" + repo.Path, "fsck");
    }

    [SkippableFact]
    public async Task ConcurrentWritersAndPruneLoseNothing()
    {
        ExternalTool.Require("ostree");
        using var tmp = new TempDirectory("ostree-conc-");
        var repo = OstreeRepository.Create(tmp.Combine("repo"), RepoMode.BareUser, new RepositoryOptions { Fsync = false });
        const int Writers = 4, CommitsEach = 5;
        using var stop = new CancellationTokenSource();
        using var pruning = new ManualResetEventSlim();
        int prunes = 0;

        // Own threads, and the writers start only once the first prune is under way: on a busy 2-core machine the
        // thread pool could otherwise run every writer to the end before the pruner ever started, and nothing
        // would have run concurrently.
        var pruner = Task.Factory.StartNew(
            () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    pruning.Set();
                    OstreeRepository.Open(repo.Path).Prune(new PruneOptions { RefsOnly = true, Depth = 0 });
                    Interlocked.Increment(ref prunes);
                }
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);
        Assert.True(pruning.Wait(TimeSpan.FromMinutes(5)), "the pruner did not start");
        var writers = Enumerable.Range(0, Writers).Select(w => Task.Factory.StartNew(() =>
        {
            var own = OstreeRepository.Open(repo.Path, new RepositoryOptions { Fsync = false });
            var results = new List<Checksum>();
            for (int i = 0; i < CommitsEach; i++)
            {
                string tree = tmp.Combine($"tree-{w}-{i}");
                Directory.CreateDirectory(Path.Combine(tree, "shared"));
                File.WriteAllText(Path.Combine(tree, "shared/common"), "common to all writers");
                for (int f = 0; f < 30; f++)
                {
                    File.WriteAllText(Path.Combine(tree, $"f{f}"), $"writer {w} commit {i} file {f}");
                }

                results.Add(own.Commit(tree, new CommitOptions { Branch = $"w{w}/c{i}" }));
            }

            return results;
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToArray();
        var all = (await Task.WhenAll(writers)).SelectMany(r => r).ToList();
        await stop.CancelAsync();
        await pruner;

        Assert.True(prunes > 0);
        Assert.Equal(Writers * CommitsEach, all.Distinct().Count());
        Assert.True(repo.Fsck().IsClean);
        OstreeTestTrees.Ostree("--repo=" + repo.Path, "fsck");
        for (int w = 0; w < Writers; w++)
        {
            for (int i = 0; i < CommitsEach; i++)
            {
                var c = repo.Refs.Resolve($"w{w}/c{i}");
                repo.Checkout(c, tmp.Combine($"co-{w}-{i}"), new CheckoutOptions { Mode = CheckoutMode.User });
                Assert.Equal($"writer {w} commit {i} file 7", File.ReadAllText(tmp.Combine($"co-{w}-{i}/f7")));
            }
        }
    }
}
