using System.Security.Cryptography;
using AptOstree.Posix;
using AptOstree.Testing;

namespace AptOstree.OSTree.Tests.Checkout;

/// <summary>
/// The fd-relative hardlink walker runs on whatever <see cref="IPosixFileSystem"/> the repository has (it never asks
/// which one): a checkout from a repository on <see cref="InMemoryPosixFileSystem"/> takes the walker and gives the
/// tree the general path gives there, which is the tree the walker gives on disk and <c>ostree checkout -U -H</c> gives.
/// </summary>
public class FileSystemHardlinkCheckoutTests
{
    private static readonly IPosixFileSystem Disk = LibcPosixFileSystem.Instance;

    [SkippableTheory]
    [InlineData(1)]
    [InlineData(3)]
    public void InMemoryRepository_TakesTheWalker_AndGivesTheGeneralPathsTree(int workers)
    {
        ExternalTool.Require("ostree");
        using var tmp = new TempDirectory("ostree-memfs-");
        string tree = tmp.Combine("tree");
        OstreeTestTrees.BuildGolden(tree);
        var onDisk = OstreeRepository.Create(tmp.Combine("repo"), RepoMode.BareUser);
        onDisk.Commit(tree, new CommitOptions { Branch = "t", Timestamp = DateTimeOffset.FromUnixTimeSeconds(OstreeTestTrees.Timestamp) });
        var fast = new CheckoutOptions { Mode = CheckoutMode.User, RequireHardlinks = true, MaxParallelism = workers };
        onDisk.Checkout("t", tmp.Combine("co-disk"), fast);
        OstreeTestTrees.Ostree("--repo=" + onDisk.Path, "checkout", "-U", "-H", "t", tmp.Combine("co-ostree"));

        var memory = new InMemoryPosixFileSystem();
        InMemoryMirror.Copy(onDisk.Path, memory);
        var inMemory = OstreeRepository.Open(onDisk.Path, new RepositoryOptions { FileSystem = memory });
        var general = fast with { Overwrite = CheckoutOverwriteMode.UnionFiles };
        Assert.True(HardlinkCheckoutWalker.Handles(inMemory, fast, canHardlink: true));
        Assert.False(HardlinkCheckoutWalker.Handles(inMemory, general, canHardlink: true));

        inMemory.Checkout("t", "/co-fast", fast);
        inMemory.Checkout("t", "/co-general", general);
        Assert.False(Disk.TryGetStatus("/co-fast", out _));

        var expected = Describe(Disk, tmp.Combine("co-ostree"));
        Assert.Equal(expected, Describe(Disk, tmp.Combine("co-disk")));
        Assert.Contains(expected, l => l.StartsWith("link l ", StringComparison.Ordinal));
        Assert.Contains(expected, l => l.StartsWith("empty f ", StringComparison.Ordinal) && l.EndsWith(" copied", StringComparison.Ordinal));
        Assert.Contains(expected, l => l.StartsWith("hello.txt f ", StringComparison.Ordinal) && l.EndsWith(" linked", StringComparison.Ordinal));
        Assert.Equal(expected, Describe(memory, "/co-fast"));
        Assert.Equal(expected, Describe(memory, "/co-general"));

        // The links are to the in-memory repository's objects.
        var hello = memory.GetStatus("/co-fast/hello.txt");
        Assert.Contains(Objects(memory, onDisk.Path + "/objects"), o => o.Inode == hello.Inode);
    }

    /// <summary>Nothing on disk at all: the tree is imported from the in-memory file system (through its directories) and checked out there.</summary>
    [Fact]
    public void InMemoryTree_CommittedAndCheckedOut_WithoutTheDisk()
    {
        var memory = new InMemoryPosixFileSystem();
        memory.CreateDirectory("/tree", 0x1ED);
        memory.CreateDirectory("/tree/etc", 0x1ED);
        memory.CreateDirectory("/tree/private", 0x1C0);
        foreach (var (path, text, mode) in new[] { ("/tree/etc/motd", "hello\n", 0x1A4u), ("/tree/etc/empty", "", 0x1A4u), ("/tree/run.sh", "#!/bin/sh\n", 0x1EDu), ("/tree/private/key", "secret", 0x180u) })
        {
            using var stream = memory.CreateFile(path, mode);
            stream.Write(System.Text.Encoding.UTF8.GetBytes(text));
        }

        memory.CreateSymbolicLink("etc/motd", "/tree/motd");
        string repoPath = "/nonexistent-aptostree-" + Guid.NewGuid().ToString("N");
        var repo = OstreeRepository.Create(repoPath, RepoMode.BareUser, new RepositoryOptions { FileSystem = memory });
        repo.Commit("/tree", new CommitOptions { Branch = "t", Timestamp = DateTimeOffset.FromUnixTimeSeconds(OstreeTestTrees.Timestamp) });

        var fast = new CheckoutOptions { Mode = CheckoutMode.User, RequireHardlinks = true, MaxParallelism = 2 };
        repo.Checkout("t", "/co-fast", fast);
        repo.Checkout("t", "/co-general", fast with { Overwrite = CheckoutOverwriteMode.UnionFiles });
        var described = Describe(memory, "/co-fast");
        Assert.Equal(
            [
                "etc d 755 0", $"etc/empty f 644 {Sha("")} copied", $"etc/motd f 644 {Sha("hello\n")} linked", "motd l etc/motd",
                "private d 700 0", $"private/key f 600 {Sha("secret")} linked", $"run.sh f 755 {Sha("#!/bin/sh\n")} linked",
            ],
            described);
        Assert.Equal(described, Describe(memory, "/co-general"));
        Assert.False(Disk.TryGetStatus(repoPath, out _));
    }

    [Fact]
    public void InMemoryRepository_ConflictIsReportedAsOnDisk()
    {
        using var tmp = new TempDirectory("ostree-memfs-conflict-");
        string tree = tmp.Combine("tree");
        Directory.CreateDirectory(Path.Combine(tree, "sub"));
        OstreeTestTrees.Write(tree, "sub/f", "x", 0x1A4);
        var onDisk = OstreeRepository.Create(tmp.Combine("repo"), RepoMode.BareUser);
        onDisk.Commit(tree, new CommitOptions { Branch = "t" });
        var memory = new InMemoryPosixFileSystem();
        InMemoryMirror.Copy(onDisk.Path, memory);
        var inMemory = OstreeRepository.Open(onDisk.Path, new RepositoryOptions { FileSystem = memory });
        var options = new CheckoutOptions { Mode = CheckoutMode.User, MaxParallelism = 2 };
        inMemory.Checkout("t", "/co", options);
        var ex = Assert.ThrowsAny<AptOstreeException>(() => inMemory.Checkout("t", "/co", options));
        Assert.Equal(OstreeErrorCodes.CheckoutConflict, ex.ErrorCode);
    }

    private static string Sha(string text) => Convert.ToHexString(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)));

    private static List<PosixFileStatus> Objects(IPosixFileSystem fs, string objects) =>
        [.. fs.ListDirectory(objects).SelectMany(d => fs.ListDirectory(objects + "/" + d).Select(n => fs.GetStatus($"{objects}/{d}/{n}")))];

    /// <summary>One line per entry, through <paramref name="fs"/>: type, mode, directory mtime, content hash or target, linked or copied.</summary>
    private static List<string> Describe(IPosixFileSystem fs, string root)
    {
        var lines = new List<string>();
        var pending = new Stack<string>();
        pending.Push(string.Empty);
        while (pending.TryPop(out var rel))
        {
            foreach (var name in fs.ListDirectory(rel.Length == 0 ? root : root + "/" + rel))
            {
                string childRel = rel.Length == 0 ? name : rel + "/" + name;
                string child = root + "/" + childRel;
                var st = fs.GetStatus(child);
                string perms = Convert.ToString(st.Permissions, 8);
                if (st.IsDirectory)
                {
                    lines.Add($"{childRel} d {perms} {st.ModificationTimeSeconds}");
                    pending.Push(childRel);
                }
                else if (st.IsSymbolicLink)
                {
                    lines.Add($"{childRel} l {fs.ReadSymbolicLink(child)}");
                }
                else
                {
                    using var stream = fs.OpenRead(child);
                    lines.Add($"{childRel} f {perms} {Convert.ToHexString(SHA256.HashData(stream))} {(st.LinkCount > 1 ? "linked" : "copied")}");
                }
            }
        }

        lines.Sort(StringComparer.Ordinal);
        return lines;
    }
}
