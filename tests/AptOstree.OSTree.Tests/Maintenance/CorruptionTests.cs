using AptOstree.Testing;

namespace AptOstree.OSTree.Tests.Maintenance;

/// <summary>Corrupt and hostile repositories: our exception names the object, fsck reports it, nothing escapes the destination.</summary>
public class CorruptionTests
{
    private static Checksum WriteCommit(OstreeRepository repo, DirTree root, string branch = "evil")
    {
        using var tx = repo.BeginTransaction();
        var meta = tx.WriteMetadata(ObjectType.DirMeta, DirMeta.Default.Serialize());
        var tree = tx.WriteMetadata(ObjectType.DirTree, root.Serialize());
        var commit = tx.WriteMetadata(ObjectType.Commit, new OstreeCommit([], null, "s", string.Empty, 0, tree, meta).Serialize());
        tx.Complete();
        repo.Refs.Set(branch, commit);
        return commit;
    }

    private static Checksum Content(OstreeRepository repo, string text) =>
        repo.WriteContent(FileHeader.ForFile(0, 0, 0x1A4), new MemoryStream(System.Text.Encoding.UTF8.GetBytes(text)), text.Length);

    [SkippableTheory]
    [InlineData("../afile")]
    [InlineData("a/b")]
    [InlineData("..")]
    public void DirtreeWithUnsafeNameIsRefused(string name)
    {
        ExternalTool.Require("ostree");
        using var tmp = new TempDirectory("ostree-hostile-");
        var repo = OstreeRepository.Create(tmp.Combine("repo"), RepoMode.Archive);
        var file = Content(repo, "pwned");
        var tree = new DirTree([new DirTreeFile(name, file)], []);
        var treeChecksum = Checksum.Compute(tree.Serialize());
        WriteCommit(repo, tree);
        Directory.CreateDirectory(tmp.Combine("dest"));
        var ex = Assert.ThrowsAny<InvalidFormatException>(() => repo.Checkout("evil", tmp.Combine("dest/co")));
        Assert.Contains(treeChecksum + ".dirtree", ex.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(tmp.Combine("dest/afile")));
        Assert.False(File.Exists(tmp.Combine("afile")));
        var fsck = repo.Fsck();
        Assert.Contains(fsck.Problems, p => p.Object == new ObjectName(treeChecksum, ObjectType.DirTree));
        Assert.NotEqual(0, ExternalTool.Run("ostree", ["--repo=" + repo.Path, "fsck"]).ExitCode);
    }

    [Fact]
    public void UnsortedOrDuplicatedDirtreeIsRefused()
    {
        using var tmp = new TempDirectory("ostree-hostile-");
        var repo = OstreeRepository.Create(tmp.Combine("repo"), RepoMode.BareUser);
        var file = Content(repo, "x");
        var meta = Checksum.Compute(DirMeta.Default.Serialize());
        foreach (var tree in new[]
        {
            new DirTree([new DirTreeFile("zeta", file), new DirTreeFile("alpha", file)], []),
            new DirTree([new DirTreeFile("same", file)], [new DirTreeDirectory("same", Checksum.Compute(DirTree.Empty.Serialize()), meta)]),
        })
        {
            WriteCommit(repo, tree);
            var ex = Assert.ThrowsAny<InvalidFormatException>(() => repo.Checkout("evil", tmp.Combine("co-" + Guid.NewGuid())));
            Assert.Contains(".dirtree", ex.Message, StringComparison.Ordinal);
            Assert.False(repo.Fsck().IsClean);
        }
    }

    [SkippableFact]
    public void SymlinkChainOutOfTheCheckoutIsNotFollowed()
    {
        Skip.If(!Posix.LibcPosixFileSystem.IsRoot, "needs root");
        using var tmp = new TempDirectory("ostree-hostile-");
        Directory.CreateDirectory(tmp.Combine("outside"));
        var repo = OstreeRepository.Create(tmp.Combine("repo"), RepoMode.BareUser);
        string first = tmp.Combine("first");
        Directory.CreateDirectory(first);
        Posix.LibcPosixFileSystem.Instance.CreateSymbolicLink(tmp.Combine("outside"), Path.Combine(first, "esc"));
        Posix.LibcPosixFileSystem.Instance.CreateSymbolicLink("esc/../../outside", Path.Combine(first, "esc2"));
        repo.Commit(first, new CommitOptions { Branch = "first" });
        string second = tmp.Combine("second");
        Directory.CreateDirectory(Path.Combine(second, "esc"));
        File.WriteAllText(Path.Combine(second, "esc/pwned"), "pwned");
        repo.Commit(second, new CommitOptions { Branch = "second" });

        string dest = tmp.Combine("dest/co");
        repo.Checkout("first", dest, new CheckoutOptions { Mode = CheckoutMode.User });
        Assert.Throws<UnsafePathException>(() => repo.Checkout("second", dest, new CheckoutOptions { Mode = CheckoutMode.User, Overwrite = CheckoutOverwriteMode.UnionFiles }));
        Assert.Empty(Directory.EnumerateFileSystemEntries(tmp.Combine("outside")));
    }

    [SkippableTheory]
    [InlineData(RepoMode.BareUser, "flip")]
    [InlineData(RepoMode.Archive, "flip")]
    [InlineData(RepoMode.Archive, "truncate")]
    [InlineData(RepoMode.BareUser, "truncate")]
    public void CorruptContentObjectIsReportedByName(RepoMode mode, string damage)
    {
        ExternalTool.Require("ostree");
        using var tmp = new TempDirectory("ostree-corrupt-");
        string tree = tmp.Combine("tree");
        Directory.CreateDirectory(tree);
        var data = new byte[100_000];
        new Random(1).NextBytes(data);
        File.WriteAllBytes(Path.Combine(tree, "victim"), data);
        var repo = OstreeRepository.Create(tmp.Combine("repo"), mode);
        repo.Commit(tree, new CommitOptions { Branch = "t" });
        var victim = repo.Browse().List(repo.ResolveRev("t"), "/victim").Single().Checksum;
        string path = repo.Objects.GetLoosePath(victim, ObjectType.File);
        Damage(path, damage);

        var fsck = repo.Fsck();
        Assert.Contains(fsck.Problems, p => p.Object == new ObjectName(victim, ObjectType.File) && p.Message.Contains(victim.ToString(), StringComparison.Ordinal));
        Assert.NotEqual(0, ExternalTool.Run("ostree", ["--repo=" + repo.Path, "fsck"]).ExitCode);
        if (mode == RepoMode.Archive)
        {
            var ex = Assert.ThrowsAny<AptOstreeException>(() => repo.Checkout("t", tmp.Combine("co")));
            Assert.Contains(victim.ToString(), ex.Message, StringComparison.Ordinal);
        }
    }

    [SkippableTheory]
    [InlineData(ObjectType.DirTree, "flip")]
    [InlineData(ObjectType.DirMeta, "truncate")]
    [InlineData(ObjectType.Commit, "truncate")]
    public void CorruptMetadataObjectIsReportedByName(ObjectType type, string damage)
    {
        ExternalTool.Require("ostree");
        using var tmp = new TempDirectory("ostree-corrupt-");
        string tree = tmp.Combine("tree");
        Directory.CreateDirectory(Path.Combine(tree, "d"));
        File.WriteAllText(Path.Combine(tree, "d/f"), "f");
        var repo = OstreeRepository.Create(tmp.Combine("repo"), RepoMode.BareUser);
        var commit = repo.Commit(tree, new CommitOptions { Branch = "t" });
        var c = repo.ReadCommit(commit);
        var target = type switch { ObjectType.DirTree => c.RootTree, ObjectType.DirMeta => c.RootMeta, _ => commit };
        Damage(repo.Objects.GetLoosePath(target, type), damage);

        var ex = Assert.ThrowsAny<AptOstreeException>(() => repo.Checkout(commit, tmp.Combine("co")));
        Assert.Contains(target.ToString(), ex.Message, StringComparison.Ordinal);
        Assert.Contains(repo.Fsck().Problems, p => p.Object == new ObjectName(target, type));
        Assert.NotEqual(0, ExternalTool.Run("ostree", ["--repo=" + repo.Path, "fsck"]).ExitCode);
    }

    [Fact]
    public void BadGVariantFramingNamesTheObject()
    {
        using var tmp = new TempDirectory("ostree-corrupt-");
        var repo = OstreeRepository.Create(tmp.Combine("repo"), RepoMode.BareUser);
        byte[] garbage = [0x61, 0x00, 0x20, 0xff, 0xff];
        Checksum bad;
        using (var tx = repo.BeginTransaction())
        {
            bad = tx.WriteMetadata(ObjectType.DirTree, garbage);
            var meta = tx.WriteMetadata(ObjectType.DirMeta, DirMeta.Default.Serialize());
            var commit = tx.WriteMetadata(ObjectType.Commit, new OstreeCommit([], null, "s", string.Empty, 0, bad, meta).Serialize());
            tx.Complete();
            repo.Refs.Set("t", commit);
        }

        var ex = Assert.ThrowsAny<InvalidFormatException>(() => repo.Checkout("t", tmp.Combine("co")));
        Assert.Contains(bad + ".dirtree", ex.Message, StringComparison.Ordinal);
        Assert.Contains(repo.Fsck().Problems, p => p.Object == new ObjectName(bad, ObjectType.DirTree));
    }

    private static void Damage(string path, string how)
    {
        var info = new FileInfo(path);
        if (how == "truncate")
        {
            using var fs = new FileStream(path, FileMode.Open, FileAccess.Write);
            fs.SetLength(info.Length / 2);
        }
        else
        {
            byte[] bytes = File.ReadAllBytes(path);
            bytes[bytes.Length / 2] ^= 0x5a;
            File.WriteAllBytes(path, bytes);
        }
    }
}
