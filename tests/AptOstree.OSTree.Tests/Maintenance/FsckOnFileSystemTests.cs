using AptOstree.Posix;
using AptOstree.Testing;

namespace AptOstree.OSTree.Tests.Maintenance;

/// <summary>fsck reads a large commit in place through the repository's file system (its <c>MapRead</c>), whichever it is.</summary>
public class FsckOnFileSystemTests
{
    [Fact]
    public void LargeCommitOnInMemoryFileSystem_IsReadThroughItsView()
    {
        using var tmp = new TempDirectory("ostree-memfsck-");
        var onDisk = OstreeRepository.Create(tmp.Combine("repo"), RepoMode.Archive);
        string tree = tmp.Combine("tree");
        Directory.CreateDirectory(tree);
        File.WriteAllText(Path.Combine(tree, "f"), "x");
        var commit = onDisk.Commit(tree, new CommitOptions
        {
            Branch = "big",
            Timestamp = DateTimeOffset.FromUnixTimeSeconds(1700000000),
            Metadata = [new("big", AptOstree.OSTree.GVariant.GVariantValue.FromBytes(new byte[2 << 20]))],
        });

        var memory = new InMemoryPosixFileSystem();
        InMemoryMirror.Copy(onDisk.Path, memory);
        var inMemory = OstreeRepository.Open(onDisk.Path, new RepositoryOptions { FileSystem = memory });
        Assert.True(inMemory.Fsck().IsClean);

        // Only the in-memory copy is damaged: fsck through that file system sees it, the disk stays clean.
        string path = onDisk.Objects.GetLoosePath(commit, ObjectType.Commit);
        byte[] bytes;
        using (var view = memory.MapRead(path))
        {
            bytes = view.Span.ToArray();
        }

        bytes[1 << 20] ^= 1;
        memory.Delete(path);
        using (var stream = memory.CreateFile(path, PosixPermissions.File))
        {
            stream.Write(bytes);
        }

        Assert.Contains(inMemory.Fsck().Problems, p => p.Object == new ObjectName(commit, ObjectType.Commit) && p.ErrorCode == OstreeErrorCodes.CorruptObject);
        Assert.True(onDisk.Fsck().IsClean);
    }
}
