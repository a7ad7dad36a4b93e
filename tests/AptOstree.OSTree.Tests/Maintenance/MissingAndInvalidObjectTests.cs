using AptOstree.Testing;

namespace AptOstree.OSTree.Tests.Maintenance;

/// <summary>Refs to missing commits (issue 15, D09), prune over unreadable objects, and fsck of a very large commit.</summary>
public class MissingAndInvalidObjectTests
{
    [SkippableFact]
    public void Fsck_RefToMissingCommit_ReportsItAsOstreeDoes()
    {
        ExternalTool.Require("ostree");
        using var tmp = new TempDirectory("ostree-missing-");
        var repo = OstreeRepository.Create(tmp.Combine("repo"), RepoMode.BareUser);
        TreeShapes.WriteChain(repo, 1, "good");
        var missing = Checksum.Parse(new string('c', 64));
        File.WriteAllText(Path.Combine(repo.Path, "refs", "heads", "broken"), missing + "\n");
        Directory.CreateDirectory(Path.Combine(repo.Path, "refs", "remotes", "origin"));
        File.WriteAllText(Path.Combine(repo.Path, "refs", "remotes", "origin", "gone"), new string('d', 64) + "\n");

        var result = repo.Fsck();
        Assert.False(result.IsClean);
        Assert.Contains(result.Problems, p => p.Object == new ObjectName(missing, ObjectType.Commit) && p.ErrorCode == OstreeErrorCodes.ObjectNotFound
            && p.Message.Contains("Loading commit for ref broken", StringComparison.Ordinal));
        Assert.Contains(result.Problems, p => p.Message.Contains("origin:gone", StringComparison.Ordinal));
        Assert.Equal(1, ExternalTool.Run("ostree", ["--repo=" + repo.Path, "fsck"]).ExitCode);

        var log = Assert.Throws<OstreeObjectException>(() => repo.Browse().Log(missing));
        Assert.Equal(OstreeErrorCodes.ObjectNotFound, log.ErrorCode);
        Assert.NotEqual(0, ExternalTool.Run("ostree", ["--repo=" + repo.Path, "log", "broken"]).ExitCode);
    }

    [Fact]
    public void Prune_ReachableDirtreeUnreadable_PrunesWhatItCanAndReportsIt()
    {
        using var tmp = new TempDirectory("ostree-prune-invalid-");
        var repo = OstreeRepository.Create(tmp.Combine("repo"), RepoMode.Archive);
        var kept = TreeShapes.WriteChain(repo, 2, "kept");
        var gone = TreeShapes.WriteChain(repo, 2, "gone", leafName: "other");
        repo.Refs.Delete("gone");
        var middle = repo.Objects.ReadDirTree(repo.ReadCommit(kept).RootTree).Directories[0].TreeChecksum;
        string path = repo.Objects.GetLoosePath(middle, ObjectType.DirTree);
        Posix.LibcPosixFileSystem.Instance.SetPermissions(path, 0x180);
        File.WriteAllBytes(path, [0xff, 0x01, 0x02]);

        var result = repo.Prune(new PruneOptions { RefsOnly = true });
        var problem = Assert.Single(result.UnreadableObjects);
        Assert.Equal(new ObjectName(middle, ObjectType.DirTree), problem.Object);
        Assert.False(repo.Objects.Contains(gone, ObjectType.Commit));
        Assert.True(repo.Objects.Contains(kept, ObjectType.Commit));
        Assert.True(File.Exists(path));
    }

    /// <summary>libostree accepts up to 128 MiB of commit metadata; a 64 MiB commit is verified (memory figures in docs/benchmarks.md).</summary>
    [SkippableFact]
    public void Fsck_CommitWith64MiBOfMetadata_VerifiesAndFindsACorruptByte()
    {
        ExternalTool.Require("ostree");
        using var tmp = new TempDirectory("ostree-bigcommit-");
        var repo = OstreeRepository.Create(tmp.Combine("repo"), RepoMode.Archive);
        string tree = tmp.Combine("tree");
        Directory.CreateDirectory(tree);
        File.WriteAllText(Path.Combine(tree, "f"), "x");
        var commit = repo.Commit(tree, new CommitOptions
        {
            Branch = "big",
            Timestamp = DateTimeOffset.FromUnixTimeSeconds(1700000000),
            Metadata = [new("big", AptOstree.OSTree.GVariant.GVariantValue.FromBytes(new byte[64 << 20]))],
        });
        Assert.True(repo.Fsck().IsClean);
        OstreeTestTrees.Ostree("--repo=" + repo.Path, "fsck");

        string path = repo.Objects.GetLoosePath(commit, ObjectType.Commit);
        Posix.LibcPosixFileSystem.Instance.SetPermissions(path, 0x180);
        using (var file = File.OpenWrite(path))
        {
            file.Position = 32 << 20;
            file.WriteByte(1);
        }

        var fsck = repo.Fsck();
        Assert.Contains(fsck.Problems, p => p.Object == new ObjectName(commit, ObjectType.Commit) && p.ErrorCode == OstreeErrorCodes.CorruptObject);
    }
}
