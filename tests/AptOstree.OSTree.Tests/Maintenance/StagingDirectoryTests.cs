using AptOstree.Testing;

namespace AptOstree.OSTree.Tests.Maintenance;

/// <summary>
/// Staging directories of interrupted transactions do not pile up (issue 15, D05): they are locked and named by boot
/// id as libostree names them, reused by the next transaction, and removed once no process holds them.
/// </summary>
public class StagingDirectoryTests
{
    [SkippableFact]
    public void Commit_AfterKilledTransactions_LeavesNoStagingDirectories()
    {
        ExternalTool.Require("ostree");
        using var tmp = new TempDirectory("ostree-staging-");
        string tree = tmp.Combine("tree");
        OstreeTestTrees.BuildGolden(tree, includeSpecialModes: false);
        var repo = OstreeRepository.Create(tmp.Combine("repo"), RepoMode.BareUser);
        string repoTmp = Path.Combine(repo.Path, "tmp");

        // What a killed writer leaves: its directory full of staged files and an unheld lock file, from this boot,
        // from another boot, and in the old per-process naming.
        foreach (string name in new[] { StagingDirectory.BootPrefix + "Killed", "staging-0123456789abcdef-Reboot", $"staging-{Environment.ProcessId}-{Guid.NewGuid():N}" })
        {
            Directory.CreateDirectory(Path.Combine(repoTmp, name));
            File.WriteAllBytes(Path.Combine(repoTmp, name, "1"), new byte[4096]);
            File.WriteAllText(Path.Combine(repoTmp, name + "-lock"), string.Empty);
        }

        var commit = repo.Commit(tree, new CommitOptions { Branch = "b" });
        Assert.Empty(Directory.EnumerateFileSystemEntries(repoTmp, "staging-*"));
        OstreeTestTrees.Ostree("--repo=" + repo.Path, "fsck");
        Assert.Equal(commit.ToString(), OstreeTestTrees.Ostree("--repo=" + repo.Path, "rev-parse", "b").Trim());
    }

    [Fact]
    public void Transaction_WhileAnotherHoldsItsStagingDirectory_UsesItsOwnAndLeavesTheOther()
    {
        using var tmp = new TempDirectory("ostree-staging-");
        var repo = OstreeRepository.Create(tmp.Combine("repo"), RepoMode.BareUser);
        using (var running = repo.BeginTransaction())
        {
            running.WriteMetadata(ObjectType.DirMeta, DirMeta.Default.Serialize());
            using (var second = repo.BeginTransaction())
            {
                second.WriteMetadata(ObjectType.DirTree, DirTree.Empty.Serialize());
                second.Complete();
            }

            // The first transaction's directory and its lock survive the second's clean-up.
            var left = Directory.GetDirectories(Path.Combine(repo.Path, "tmp"), "staging-*");
            Assert.Single(left);
            Assert.StartsWith(StagingDirectory.BootPrefix, Path.GetFileName(left[0]), StringComparison.Ordinal);
            Assert.Single(Directory.GetFiles(left[0]));
            running.Complete();
        }

        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(repo.Path, "tmp"), "staging-*"));
        Assert.True(repo.Objects.Contains(Checksum.Compute(DirMeta.Default.Serialize()), ObjectType.DirMeta));
    }

    [Fact]
    public void Transaction_AbandonedDirectoryOfThisBoot_IsReusedEmptied()
    {
        using var tmp = new TempDirectory("ostree-staging-");
        var repo = OstreeRepository.Create(tmp.Combine("repo"), RepoMode.BareUser);
        string abandoned = Path.Combine(repo.Path, "tmp", StagingDirectory.BootPrefix + "Killed");
        Directory.CreateDirectory(abandoned);
        File.WriteAllText(Path.Combine(abandoned, "1"), "half-written");
        using (var transaction = repo.BeginTransaction())
        {
            Assert.Equal(abandoned, Directory.GetDirectories(Path.Combine(repo.Path, "tmp"), "staging-*").Single());
            Assert.Empty(Directory.GetFiles(abandoned));
            transaction.Complete();
        }

        Assert.False(Directory.Exists(abandoned));
        Assert.False(File.Exists(abandoned + "-lock"));
    }
}
