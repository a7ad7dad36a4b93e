using System.Formats.Tar;
using System.Text;
using AptOstree.Posix;

namespace AptOstree.OSTree.Tests.Repository;

/// <summary>
/// A repository whose <see cref="RepositoryOptions.FileSystem"/> is an <see cref="InMemoryPosixFileSystem"/> does
/// everything a repository on disk does — create, open, commit, refs, aliases, remotes, summary, read back, fsck,
/// prune, pull-local — and all of it lands in that file system: nothing appears on disk at the repository's path.
/// </summary>
public sealed class InMemoryRepositoryTests
{
    private static readonly DateTimeOffset Timestamp = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);

    public static TheoryData<RepoMode> WritableModes => new() { RepoMode.Archive, RepoMode.Bare, RepoMode.BareUser, RepoMode.BareUserOnly };

    [Theory]
    [MemberData(nameof(WritableModes))]
    public void Lifecycle_InMemoryFileSystem_WorksAndWritesNothingToDisk(RepoMode mode)
    {
        var fs = new InMemoryPosixFileSystem();
        string path = DiskPathThatMustStayAbsent();
        var options = new RepositoryOptions { FileSystem = fs };

        var repo = OstreeRepository.Create(path, mode, options);

        // Commit an in-memory tree.
        var tree = new MutableTree();
        using (var tx = repo.PrepareTransaction())
        {
            tree.EnsureDirectory("etc").ReplaceFile("motd", tx.WriteContent(FileHeader.ForFile(0, 0, UnixMode.Regular | 0x1A4), new MemoryStream("hello\n"u8.ToArray()), 6));
            tree.EnsureDirectory("usr/bin").ReplaceFile("sh", tx.WriteContent(FileHeader.ForSymlink(0, 0, "bash"), null, 0));
            tx.Complete();
        }

        var first = repo.CommitTree(tree, new CommitOptions { Branch = "os/main", Subject = "first", Timestamp = Timestamp });

        // Commit through the tree builder, from a tar stream.
        Checksum second;
        using (var tx = repo.PrepareTransaction())
        {
            var builder = new MutableTreeBuilder(tx).ImportTar(Tar(("opt/app/data.txt", "only in the second commit\n")));
            second = tx.WriteCommit(builder.Tree, new CommitOptions { Branch = "os/tar", Subject = "second", Timestamp = Timestamp });
            tx.Complete();
        }

        // Refs: set, list, resolve, aliases, remote refs, delete.
        repo.Refs.Set("extra", first);
        repo.Refs.Set("origin:os/main", first);
        repo.Refs.SetAlias("stable", "os/main");
        Assert.Equal(["extra", "origin:os/main", "os/main", "os/tar", "stable"], repo.Refs.List().Keys);
        Assert.Equal(first, repo.Refs.Resolve("stable"));
        Assert.Equal(first, repo.Refs.Resolve("origin:os/main"));
        Assert.Equal(second, repo.Refs.Resolve("os/tar"));
        Assert.Equal("os/main", repo.Refs.ListAliases()["stable"]);
        Assert.Equal(first, repo.Refs.ResolvePartialChecksum(first.ToString()[..10]));
        Assert.True(repo.Refs.Delete("extra"));
        Assert.False(repo.Refs.Delete("extra"));
        Assert.DoesNotContain("extra", repo.Refs.List().Keys);

        // Remotes live in the config, which the file system holds.
        repo.Remotes.Add("origin", "file:///srv/ostree/repo", options: new Dictionary<string, string> { ["branches"] = "os/main;" });
        var reopened = OstreeRepository.Open(path, options);
        Assert.Equal("file:///srv/ostree/repo", Assert.Single(reopened.Remotes.List()).Url);
        Assert.Equal(mode, reopened.Mode);

        // Summary: write and read back.
        repo.UpdateSummary();
        var summary = OstreeSummary.Read(reopened);
        Assert.Equal(first, summary.Refs.Single(r => r.Name == "os/main").Commit);
        Assert.Equal(second, summary.Refs.Single(r => r.Name == "os/tar").Commit);

        // Read files back.
        using (var motd = reopened.Browse().OpenFile(first, "/etc/motd"))
        {
            Assert.Equal("hello\n", new StreamReader(motd.Content).ReadToEnd());
        }

        using (var data = reopened.Browse().OpenFile(second, "/opt/app/data.txt"))
        {
            Assert.Equal("only in the second commit\n", new StreamReader(data.Content).ReadToEnd());
        }

        Assert.Contains(reopened.Browse().List(first, "/usr/bin"), e => e.IsSymlink && e.SymlinkTarget == "bash");

        // fsck, then prune what only the deleted ref kept alive.
        var fsck = repo.Fsck();
        Assert.True(fsck.IsClean, string.Join("; ", fsck.Problems.Select(p => p.Message)));
        Assert.Equal(2, fsck.CommitsChecked);
        repo.Refs.Delete("os/tar");
        var pruned = repo.Prune(new PruneOptions { RefsOnly = true });
        Assert.True(pruned.ObjectsPruned > 0);
        Assert.False(repo.Objects.Contains(second, ObjectType.Commit));
        Assert.True(repo.Objects.Contains(first, ObjectType.Commit));
        Assert.True(repo.Fsck().IsClean);

        // All of it is in the in-memory file system, nothing on disk.
        Assert.True(fs.DirectoryExists(path + "/objects"));
        Assert.True(fs.FileExists(path + "/config"));
        Assert.True(fs.FileExists(path + "/summary"));
        Assert.True(fs.FileExists(path + "/refs/heads/os/main"));
        Assert.True(fs.GetStatus(path + "/refs/heads/stable").IsSymbolicLink);
        Assert.True(fs.FileExists(path + "/refs/remotes/origin/os/main"));
        Assert.DoesNotContain(fs.ListDirectory(path + "/tmp"), n => n.StartsWith("staging-", StringComparison.Ordinal));
        AssertAbsentOnDisk(path);
    }

    [Fact]
    public async Task PullLocal_BothRepositoriesInMemory_CopiesTheCommitWithinTheFileSystem()
    {
        var fs = new InMemoryPosixFileSystem();
        string sourcePath = DiskPathThatMustStayAbsent();
        string destinationPath = DiskPathThatMustStayAbsent();
        var options = new RepositoryOptions { FileSystem = fs };
        var source = OstreeRepository.Create(sourcePath, RepoMode.Archive, options);
        Checksum commit;
        using (var tx = source.PrepareTransaction())
        {
            var builder = new MutableTreeBuilder(tx).ImportTar(Tar(("etc/os-release", "ID=test\n"), ("usr/lib/lib.so", "binary")));
            commit = tx.WriteCommit(builder.Tree, new CommitOptions { Branch = "os/main", Timestamp = Timestamp });
            tx.Complete();
        }

        var destination = OstreeRepository.Create(destinationPath, RepoMode.BareUser, options);
        var pulled = await destination.PullLocalAsync(sourcePath, "os/main");

        Assert.Equal(commit, pulled);
        Assert.Equal(commit, destination.Refs.Resolve("os/main"));
        Assert.True(destination.Fsck().IsClean);
        using (var release = destination.Browse().OpenFile(commit, "/etc/os-release"))
        {
            Assert.Equal("ID=test\n", new StreamReader(release.Content).ReadToEnd());
        }

        Assert.Empty(fs.ListDirectory(destinationPath + "/state"));
        AssertAbsentOnDisk(sourcePath);
        AssertAbsentOnDisk(destinationPath);
    }

    [Fact]
    public void Open_NoRepositoryInTheFileSystem_ThrowsInvalidRepository()
    {
        var fs = new InMemoryPosixFileSystem();
        string path = DiskPathThatMustStayAbsent();
        fs.CreateDirectories(path, PosixPermissions.Directory);

        var ex = Assert.Throws<InvalidFormatException>(() => OstreeRepository.Open(path, new RepositoryOptions { FileSystem = fs }));

        Assert.Equal(OstreeErrorCodes.InvalidRepository, ex.ErrorCode);
    }

    [Fact]
    public void Prune_WhileATransactionHoldsTheSharedLock_TimesOutWithLockFailed()
    {
        var fs = new InMemoryPosixFileSystem();
        string path = DiskPathThatMustStayAbsent();
        var repo = OstreeRepository.Create(path, RepoMode.Archive, new RepositoryOptions { FileSystem = fs, LockTimeout = TimeSpan.FromMilliseconds(50) });

        using (var held = repo.PrepareTransaction())
        {
            // A second writer shares the lock; prune needs it exclusively.
            using (var concurrent = repo.PrepareTransaction())
            {
                concurrent.Complete();
            }

            var ex = Assert.Throws<AptOstreeException>(() => repo.Prune());
            Assert.Equal(OstreeErrorCodes.LockFailed, ex.ErrorCode);
        }

        Assert.Equal(0, repo.Prune().ObjectsPruned);
        AssertAbsentOnDisk(path);
    }

    [Fact]
    public void CommitAndSummary_FsyncOn_SyncsThroughTheFileSystem()
    {
        var fs = new InMemoryPosixFileSystem();
        string path = DiskPathThatMustStayAbsent();
        var repo = OstreeRepository.Create(path, RepoMode.Archive, new RepositoryOptions { FileSystem = fs, Fsync = true });

        repo.CommitTree(new MutableTree(), new CommitOptions { Branch = "b", Timestamp = Timestamp });
        repo.UpdateSummary();

        var syncs = fs.SyncCounts;
        Assert.Contains(path, syncs.Keys);
        Assert.Contains(path + "/refs/heads", syncs.Keys);
        Assert.Contains(syncs.Keys, k => k.StartsWith(path + "/objects/", StringComparison.Ordinal));
        AssertAbsentOnDisk(path);
    }

    /// <summary>A path under the real temporary directory that does not exist there (and must not come to).</summary>
    private static string DiskPathThatMustStayAbsent()
    {
        string path = Path.Combine(Path.GetTempPath(), "aptostree-in-memory-" + Guid.NewGuid().ToString("N"), "repo");
        AssertAbsentOnDisk(path);
        return path;
    }

    private static void AssertAbsentOnDisk(string path)
    {
        Assert.False(Directory.Exists(path), $"{path} appeared on disk");
        Assert.False(File.Exists(path), $"{path} appeared on disk");
        Assert.False(Directory.Exists(Path.GetDirectoryName(path)), $"{Path.GetDirectoryName(path)} appeared on disk");
    }

    private static MemoryStream Tar(params (string Name, string Text)[] files)
    {
        var stream = new MemoryStream();
        using (var writer = new TarWriter(stream, TarEntryFormat.Ustar, leaveOpen: true))
        {
            var directories = new SortedSet<string>(StringComparer.Ordinal);
            foreach (var (name, _) in files)
            {
                for (int slash = name.IndexOf('/', StringComparison.Ordinal); slash > 0; slash = name.IndexOf('/', slash + 1))
                {
                    directories.Add(name[..slash] + "/");
                }
            }

            foreach (string directory in directories)
            {
                writer.WriteEntry(new UstarTarEntry(TarEntryType.Directory, directory) { Mode = (UnixFileMode)0x1ED, ModificationTime = Timestamp });
            }

            foreach (var (name, text) in files)
            {
                writer.WriteEntry(new UstarTarEntry(TarEntryType.RegularFile, name)
                {
                    Mode = (UnixFileMode)0x1A4,
                    ModificationTime = Timestamp,
                    DataStream = new MemoryStream(Encoding.UTF8.GetBytes(text)),
                });
            }
        }

        stream.Position = 0;
        return stream;
    }
}
