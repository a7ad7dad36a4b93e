using AptOstree.Testing;
using Microsoft.Extensions.Time.Testing;

namespace AptOstree.OSTree.Tests.Repository;

/// <summary>
/// The repository reads the clock only through <see cref="RepositoryOptions.TimeProvider"/>: a pinned clock lands in
/// the commit (the same commit <c>ostree commit</c> makes with <c>SOURCE_DATE_EPOCH</c> at that second), in the
/// summary's last-modified, in the repository directory's mtime after a ref write, and times the lock wait.
/// </summary>
public sealed class RepositoryClockTests : IDisposable
{
    private static readonly DateTimeOffset Pinned = new(2021, 3, 4, 5, 6, 7, TimeSpan.Zero);
    private readonly TempDirectory _tmp = new("ostree-clock-");

    public void Dispose() => _tmp.Dispose();

    [SkippableFact]
    public void Commit_PinnedTimeProviderAndNoTimestamp_SameCommitAsOstreeAtThatSecond()
    {
        ExternalTool.Require("ostree");
        Skip.If(Environment.GetEnvironmentVariable("SOURCE_DATE_EPOCH") is not null, "SOURCE_DATE_EPOCH is set in this process: it wins over the clock by design.");
        string tree = _tmp.Combine("tree");
        Directory.CreateDirectory(Path.Combine(tree, "etc"));
        File.WriteAllText(Path.Combine(tree, "etc", "motd"), "hello\n");
        string refRepo = _tmp.Combine("ref");
        OstreeTestTrees.Ostree("init", "--repo=" + refRepo, "--mode=archive");
        var epoch = new Dictionary<string, string> { ["SOURCE_DATE_EPOCH"] = Pinned.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture) };
        string expected = ExternalTool.Run("ostree", ["--repo=" + refRepo, "commit", "--no-bindings", "-s", "s", "-b", "t", "--tree=dir=" + tree], environment: epoch)
            .EnsureSuccess("ostree commit").StandardOutput.Trim();

        var repo = OstreeRepository.Create(_tmp.Combine("ours"), RepoMode.Archive, new RepositoryOptions { TimeProvider = new FakeTimeProvider(Pinned) });
        var commit = repo.Commit(tree, new CommitOptions { Branch = "t", Subject = "s", NoBindings = true });

        Assert.Equal(expected, commit.ToString());
        Assert.Contains("Date:  2021-03-04 05:06:07 +0000", OstreeTestTrees.Ostree("--repo=" + repo.Path, "log", "t"), StringComparison.Ordinal);
    }

    [SkippableFact]
    public void UpdateSummary_PinnedTimeProvider_OstreeShowsThatLastModified()
    {
        ExternalTool.Require("ostree");
        var clock = new FakeTimeProvider(Pinned);
        var repo = OstreeRepository.Create(_tmp.Combine("repo"), RepoMode.Archive, new RepositoryOptions { TimeProvider = clock });
        repo.CommitTree(new MutableTree(), new CommitOptions { Branch = "t", Timestamp = DateTimeOffset.FromUnixTimeSeconds(0) });
        clock.Advance(TimeSpan.FromHours(1));

        repo.UpdateSummary();

        Assert.Contains("Last-Modified (ostree.summary.last-modified): 2021-03-04T06:06:07+00", OstreeTestTrees.Ostree("--repo=" + repo.Path, "summary", "--view"), StringComparison.Ordinal);
    }

    [Fact]
    public void SetRef_PinnedTimeProvider_RepositoryDirectoryMtimeIsThatTime()
    {
        var repo = OstreeRepository.Create(_tmp.Combine("repo"), RepoMode.Archive, new RepositoryOptions { TimeProvider = new FakeTimeProvider(Pinned) });
        var commit = repo.CommitTree(new MutableTree(), new CommitOptions { Timestamp = DateTimeOffset.FromUnixTimeSeconds(0) });
        Directory.SetLastWriteTimeUtc(repo.Path, new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc));

        repo.Refs.Set("t", commit);

        Assert.Equal(Pinned.UtcDateTime, Directory.GetLastWriteTimeUtc(repo.Path));
    }

    [Fact]
    public void Acquire_LockHeldAndClockPastTheTimeout_ThrowsLockFailedWithoutWaitingRealTime()
    {
        string path = _tmp.Combine("repo");
        OstreeRepository.Create(path, RepoMode.Archive);
        using var held = RepositoryLock.Acquire(path, exclusive: true);
        var clock = new FakeTimeProvider(Pinned) { AutoAdvanceAmount = TimeSpan.FromMinutes(1) };

        // Five minutes on the fake clock pass within a few reads; on the real clock the guard token cancels instead.
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var ex = Assert.Throws<AptOstreeException>(() => RepositoryLock.Acquire(path, exclusive: false, TimeSpan.FromMinutes(5), clock, guard.Token));

        Assert.Equal(OstreeErrorCodes.LockFailed, ex.ErrorCode);
    }
}
