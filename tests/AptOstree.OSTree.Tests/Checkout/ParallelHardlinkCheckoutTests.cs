using System.Text;
using AptOstree.Posix;
using AptOstree.Testing;

namespace AptOstree.OSTree.Tests.Checkout;

/// <summary>
/// The fd-relative hardlink walker with one and with several workers: same tree as <c>ostree checkout -H</c> /
/// <c>-U -H</c> of the same repository (down to the inode each file is linked to), same directory mtimes, and
/// hostile or corrupt dirtrees still refused with nothing written outside the destination.
/// </summary>
public class ParallelHardlinkCheckoutTests
{
    private static readonly IPosixFileSystem Fs = LibcPosixFileSystem.Instance;

    [SkippableTheory]
    [InlineData("bare", false)]
    [InlineData("bare-user", true)]
    [InlineData("bare-user-only", true)]
    public void OneAndManyWorkersGiveOstreesHardlinkCheckout(string mode, bool user)
    {
        ExternalTool.Require("ostree");
        Skip.If(!LibcPosixFileSystem.IsRoot, "needs root (ownership and bare mode)");
        using var tmp = new TempDirectory("ostree-par-");
        string tree = tmp.Combine("tree");
        BuildWideTree(tree, xattrs: mode != "bare-user-only");
        string repo = tmp.Combine("repo");
        OstreeTestTrees.Ostree("init", "--repo=" + repo, "--mode=" + mode);
        var commitArgs = new List<string> { "--repo=" + repo, "commit", "-b", "t", "-s", "s" };
        if (mode == "bare-user-only")
        {
            commitArgs.AddRange(["--owner-uid=0", "--owner-gid=0", "--no-xattrs", "--canonical-permissions"]);
        }

        ExternalTool.Run("ostree", [.. commitArgs, tree]).EnsureSuccess("ostree commit");
        string reference = tmp.Combine("ref");
        ExternalTool.Run("ostree", ["--repo=" + repo, "checkout", .. user ? new[] { "-U", "-H" } : ["-H"], "t", reference]).EnsureSuccess("ostree checkout -H");
        var expected = OstreeTestTrees.Describe(reference, xattrs: !user);
        var expectedTimes = DirectoryTimes(reference);

        var ours = OstreeRepository.Open(repo);
        foreach (int workers in new[] { 1, 2, 7 })
        {
            string co = tmp.Combine("co-" + workers);
            var cache = new DevInoCache();
            ours.Checkout("t", co, new CheckoutOptions { Mode = user ? CheckoutMode.User : CheckoutMode.Root, RequireHardlinks = true, MaxParallelism = workers, DevInoCache = cache });
            Assert.Equal(expected, OstreeTestTrees.Describe(co, xattrs: !user));
            Assert.Equal(expectedTimes, DirectoryTimes(co));
            AssertLinkedToSameObjects(reference, co);
            Assert.True(cache.Count > 100, $"only {cache.Count} links recorded in the dev/ino cache");
        }
    }

    /// <summary>
    /// Without a dev/ino cache, bare-user objects are not stat'ed: user.ostreemeta (read with getxattrat, or with
    /// lgetxattr on the full path where the kernel lacks it) says symlink or file, and an empty file is recognised by
    /// its checksum. Both ways must give ostree's tree, empty files (several owners/modes/xattrs) copied.
    /// </summary>
    [SkippableTheory]
    [InlineData(false)]
    [InlineData(true)]
    public void BareUserWithoutStatGivesOstreesCheckout(bool fullPathXattrs)
    {
        ExternalTool.Require("ostree");
        Skip.If(!LibcPosixFileSystem.IsRoot, "needs root (ownership)");
        using var tmp = new TempDirectory("ostree-par-nostat-");
        string tree = tmp.Combine("tree");
        BuildWideTree(tree, xattrs: true);
        string repo = tmp.Combine("repo");
        OstreeTestTrees.Ostree("init", "--repo=" + repo, "--mode=bare-user");
        OstreeTestTrees.Ostree("--repo=" + repo, "commit", "-b", "t", "-s", "s", tree);
        string reference = tmp.Combine("ref");
        OstreeTestTrees.Ostree("--repo=" + repo, "checkout", "-U", "-H", "t", reference);
        var expected = OstreeTestTrees.Describe(reference, xattrs: false);
        var expectedTimes = DirectoryTimes(reference);

        var ours = OstreeRepository.Open(repo);
        foreach (int workers in new[] { 1, 2 })
        {
            string co = tmp.Combine("co-" + workers);
            ours.Checkout("t", co, new CheckoutOptions { Mode = CheckoutMode.User, RequireHardlinks = true, MaxParallelism = workers, FullPathXattrsOnly = fullPathXattrs });
            Assert.Equal(expected, OstreeTestTrees.Describe(co, xattrs: false));
            Assert.Equal(expectedTimes, DirectoryTimes(co));
            AssertLinkedToSameObjects(reference, co);
        }
    }

    [SkippableFact]
    public void PassthroughWhiteoutsBecomeTheSameDevicesAsOstreeMakes()
    {
        ExternalTool.Require("ostree");
        Skip.If(!LibcPosixFileSystem.IsRoot, "needs root (bare mode, mknod)");
        using var tmp = new TempDirectory("ostree-par-wh-");
        string tree = tmp.Combine("tree");
        BuildWideTree(tree, xattrs: false);
        for (int i = 0; i < 40; i += 3)
        {
            OstreeTestTrees.Write(tree, $"d{i:D2}/s1/.ostree-wh.gone{i}", string.Empty, 0x1A4);
            OstreeTestTrees.Write(tree, $"d{i:D2}/.ostree-wh.s9", string.Empty, 0x1A4);
        }

        string repo = tmp.Combine("repo");
        OstreeTestTrees.Ostree("init", "--repo=" + repo, "--mode=bare");
        OstreeTestTrees.Ostree("--repo=" + repo, "commit", "-b", "t", tree);
        string reference = tmp.Combine("ref");
        OstreeTestTrees.Ostree("--repo=" + repo, "checkout", "-H", "--process-passthrough-whiteouts", "t", reference);
        var expected = DescribeWithDevices(reference);
        Assert.Equal(28, expected.Count(l => l.EndsWith(" c 0:0", StringComparison.Ordinal)));
        var ours = OstreeRepository.Open(repo);
        foreach (var options in new[]
        {
            new CheckoutOptions { RequireHardlinks = true, ProcessPassthroughWhiteouts = true, MaxParallelism = 1 },
            new CheckoutOptions { RequireHardlinks = true, ProcessPassthroughWhiteouts = true, MaxParallelism = 3 },
            new CheckoutOptions { ForceCopy = true, ProcessPassthroughWhiteouts = true },
        })
        {
            string co = tmp.Combine("co-" + Guid.NewGuid());
            ours.Checkout("t", co, options);
            Assert.Equal(expected, DescribeWithDevices(co));
        }
    }

    /// <summary>
    /// A passthrough whiteout named like a sibling directory: ostree makes the device (files come first), then
    /// fails on <c>mkdirat</c>; we must fail the same way, not replace a directory another worker is filling.
    /// </summary>
    [SkippableFact]
    public void PassthroughWhiteoutOfASiblingDirectoryIsAConflictAsInOstree()
    {
        ExternalTool.Require("ostree");
        Skip.If(!LibcPosixFileSystem.IsRoot, "needs root (bare mode, mknod)");
        using var tmp = new TempDirectory("ostree-par-whdir-");
        string tree = tmp.Combine("tree");
        Directory.CreateDirectory(Path.Combine(tree, "s9", "inner"));
        OstreeTestTrees.Write(tree, "s9/inner/f", "hi\n", 0x1A4);
        OstreeTestTrees.Write(tree, ".ostree-wh.s9", string.Empty, 0x1A4);
        string repo = tmp.Combine("repo");
        OstreeTestTrees.Ostree("init", "--repo=" + repo, "--mode=bare");
        OstreeTestTrees.Ostree("--repo=" + repo, "commit", "-b", "t", tree);
        var reference = ExternalTool.Run("ostree", ["--repo=" + repo, "checkout", "-H", "--process-passthrough-whiteouts", "t", tmp.Combine("ref")]);
        Assert.NotEqual(0, reference.ExitCode);
        Assert.Contains("File exists", reference.StandardError, StringComparison.Ordinal);

        var ours = OstreeRepository.Open(repo);
        foreach (int workers in new[] { 1, 3 })
        {
            string co = tmp.Combine("co-" + workers);
            var ex = Assert.ThrowsAny<AptOstreeException>(() => ours.Checkout("t", co,
                new CheckoutOptions { RequireHardlinks = true, ProcessPassthroughWhiteouts = true, MaxParallelism = workers }));
            Assert.Equal(OstreeErrorCodes.CheckoutConflict, ex.ErrorCode);
            Assert.Equal(PosixFileType.CharacterDevice, Fs.GetStatus(Path.Combine(co, "s9")).FileType);
        }
    }

    [SkippableFact]
    public void ExistingEntryInAParallelCheckoutIsAConflictAndLeavesNoDescriptorOpen()
    {
        Skip.If(!LibcPosixFileSystem.IsRoot, "needs root");
        using var tmp = new TempDirectory("ostree-par-");
        string tree = tmp.Combine("tree");
        BuildWideTree(tree, xattrs: false);
        var repo = OstreeRepository.Create(tmp.Combine("repo"), RepoMode.BareUser);
        repo.Commit(tree, new CommitOptions { Branch = "t" });
        string co = tmp.Combine("co");
        repo.Checkout("t", co, new CheckoutOptions { Mode = CheckoutMode.User, MaxParallelism = 3 });
        var ex = Assert.ThrowsAny<AptOstreeException>(() => repo.Checkout("t", co, new CheckoutOptions { Mode = CheckoutMode.User, MaxParallelism = 3 }));
        Assert.Equal(OstreeErrorCodes.CheckoutConflict, ex.ErrorCode);

        // Other tests run in this process at the same time, so count only descriptors that point into this test's
        // directory (the walker's directory and object-directory fds all do).
        Assert.Empty(OpenDescriptorsUnder(tmp.Path));
    }

    private static List<string> OpenDescriptorsUnder(string directory)
    {
        var open = new List<string>();
        foreach (string fd in Directory.GetFiles("/proc/self/fd"))
        {
            string? target;
            try
            {
                target = new FileInfo(fd).LinkTarget;
            }
            catch (IOException)
            {
                continue; // closed between the listing and the readlink
            }

            if (target is not null && (target == directory || target.StartsWith(directory + "/", StringComparison.Ordinal)))
            {
                open.Add($"{fd} -> {target}");
            }
        }

        return open;
    }

    [SkippableTheory]
    [InlineData("../afile")]
    [InlineData("a/b")]
    [InlineData("..")]
    public void UnsafeNameInTheFastPathIsRefusedAndNothingEscapes(string name)
    {
        Skip.If(!LibcPosixFileSystem.IsRoot, "needs root");
        using var tmp = new TempDirectory("ostree-par-hostile-");
        var repo = OstreeRepository.Create(tmp.Combine("repo"), RepoMode.BareUser);
        var file = repo.WriteContent(FileHeader.ForFile(0, 0, 0x1A4), new MemoryStream("pwned"u8.ToArray()), 5);
        var evil = new DirTree([new DirTreeFile(name, file)], []);
        var evilChecksum = Checksum.Compute(evil.Serialize());
        string[] siblings = ["d0", "d1", "d2", "d3"];
        WriteCommit(repo, evil, siblings);
        Directory.CreateDirectory(tmp.Combine("dest"));
        var ex = Assert.ThrowsAny<InvalidFormatException>(() => repo.Checkout("evil", tmp.Combine("dest/co"), new CheckoutOptions { Mode = CheckoutMode.User, RequireHardlinks = true, MaxParallelism = 2 }));
        Assert.Contains(evilChecksum + ".dirtree", ex.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(tmp.Combine("dest/afile")));
        Assert.False(File.Exists(tmp.Combine("dest/co/afile")));
        Assert.False(File.Exists(tmp.Combine("afile")));
    }

    [SkippableFact]
    public void CorruptDirtreeInTheFastPathIsNamed()
    {
        Skip.If(!LibcPosixFileSystem.IsRoot, "needs root");
        using var tmp = new TempDirectory("ostree-par-corrupt-");
        string tree = tmp.Combine("tree");
        BuildWideTree(tree, xattrs: false);
        var repo = OstreeRepository.Create(tmp.Combine("repo"), RepoMode.BareUser);
        var commit = repo.Commit(tree, new CommitOptions { Branch = "t" });
        var victim = repo.Objects.ReadDirTree(repo.Objects.ReadCommit(commit).RootTree).FindDirectory("d07")!.TreeChecksum;
        string path = repo.Objects.GetLoosePath(victim, ObjectType.DirTree);
        byte[] bytes = File.ReadAllBytes(path);
        bytes[^1] ^= 0xFF;
        File.WriteAllBytes(path, bytes);
        var ex = Assert.ThrowsAny<AptOstreeException>(() => repo.Checkout("t", tmp.Combine("co"), new CheckoutOptions { Mode = CheckoutMode.User, MaxParallelism = 2 }));
        Assert.Equal(OstreeErrorCodes.CorruptObject, ex.ErrorCode);
        Assert.Contains(victim + ".dirtree", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(int.MinValue)]
    public void MaxParallelismBelowOneIsRejected(int value)
    {
        var ex = Assert.Throws<AptOstreeException>(() => new CheckoutOptions { MaxParallelism = value });
        Assert.Equal(OstreeErrorCodes.InvalidOption, ex.ErrorCode);
        Assert.Contains(value.ToString(System.Globalization.CultureInfo.InvariantCulture), ex.Message, StringComparison.Ordinal);
        var valid = new CheckoutOptions { MaxParallelism = 3 };
        Assert.Throws<AptOstreeException>(() => valid with { MaxParallelism = value });
    }

    [Fact]
    public void MaxParallelismAcceptsNullAndPositiveValues()
    {
        Assert.Null(new CheckoutOptions().MaxParallelism);
        Assert.Equal(1, new CheckoutOptions { MaxParallelism = 1 }.MaxParallelism);
        Assert.Equal(64, new CheckoutOptions { MaxParallelism = 64 }.MaxParallelism);
        Assert.Null((new CheckoutOptions { MaxParallelism = 2 } with { MaxParallelism = null }).MaxParallelism);
    }

    /// <summary>
    /// 40 top-level directories with nested levels, shared contents (one object, many names), a real hard link
    /// pair, empty files, symlinks (relative, absolute, dangling), odd directory modes and user xattrs.
    /// </summary>
    private static void BuildWideTree(string root, bool xattrs)
    {
        Directory.CreateDirectory(root);
        uint[] dirModes = [0x1ED, 0x1C0, 0x3FF, 0x5ED, 0x1E8];
        for (int i = 0; i < 40; i++)
        {
            string top = Path.Combine(root, $"d{i:D2}");
            for (int j = 0; j < 4; j++)
            {
                string sub = Path.Combine(top, $"s{j}", "inner");
                Directory.CreateDirectory(sub);
                OstreeTestTrees.Write(root, $"d{i:D2}/s{j}/inner/unique", $"unique {i} {j}\n", 0x1A4);
                OstreeTestTrees.Write(root, $"d{i:D2}/s{j}/shared", "the same bytes everywhere\n", 0x1A4);
                OstreeTestTrees.Write(root, $"d{i:D2}/s{j}/tool", $"#!/bin/sh\necho {i}\n", 0x1ED);
                Fs.CreateSymbolicLink("../shared", Path.Combine(sub, "up"));
                Fs.SetPermissions(Path.Combine(top, $"s{j}"), dirModes[(i + j) % dirModes.Length]);
            }

            OstreeTestTrees.Write(root, $"d{i:D2}/empty", string.Empty, 0x1A4);
            OstreeTestTrees.Write(root, $"d{i:D2}/empty-exec", string.Empty, 0x1ED);
            Fs.CreateSymbolicLink("/nonexistent/" + i, Path.Combine(top, "dangling"));
            Fs.CreateSymbolicLink("/etc/hostname", Path.Combine(top, "absolute"));
            if (xattrs)
            {
                Fs.SetExtendedAttribute(Path.Combine(top, "s0/inner/unique"), "user.tag", Encoding.ASCII.GetBytes("file" + i));
                Fs.SetExtendedAttribute(top, "user.dir", Encoding.ASCII.GetBytes("dir" + i));
                Fs.SetExtendedAttribute(Path.Combine(top, "empty"), "user.tag", Encoding.ASCII.GetBytes("empty" + (i % 3)));
            }
        }

        OstreeTestTrees.Write(root, "first", "linked twice\n", 0x1A4);
        Fs.CreateHardLink(Path.Combine(root, "first"), Path.Combine(root, "second"));
        OstreeTestTrees.Write(root, "setuid", "s\n", 0x9ED);
    }

    /// <summary>Path, type, permissions, owner and (for devices) major:minor of every entry.</summary>
    private static List<string> DescribeWithDevices(string root)
    {
        var lines = new List<string>();
        foreach (var entry in Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories))
        {
            var st = Fs.GetStatus(entry);
            string device = st.FileType == PosixFileType.CharacterDevice ? $" c {PosixDevice.Major(st.RDevice)}:{PosixDevice.Minor(st.RDevice)}" : string.Empty;
            lines.Add($"{Path.GetRelativePath(root, entry)} {st.FileType} {Convert.ToString(st.Permissions, 8)} {st.Uid}:{st.Gid}{device}");
        }

        lines.Sort(StringComparer.Ordinal);
        return lines;
    }

    private static SortedDictionary<string, long> DirectoryTimes(string root)
    {
        var times = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var dir in Directory.EnumerateDirectories(root, "*", SearchOption.AllDirectories).Append(root))
        {
            times[Path.GetRelativePath(root, dir)] = Fs.GetStatus(dir).ModificationTimeSeconds;
        }

        return times;
    }

    /// <summary>
    /// Both checkouts hard-link every non-empty regular file to the same object, so the inodes agree; empty files
    /// are copies in both (one link each).
    /// </summary>
    private static void AssertLinkedToSameObjects(string reference, string ours)
    {
        int linked = 0, copied = 0;
        foreach (var file in Directory.EnumerateFiles(reference, "*", SearchOption.AllDirectories))
        {
            var expected = Fs.GetStatus(file);
            if (!expected.IsRegularFile)
            {
                continue;
            }

            var actual = Fs.GetStatus(Path.Combine(ours, Path.GetRelativePath(reference, file)));
            if (expected.Size == 0)
            {
                Assert.True(expected.LinkCount == 1 && actual.LinkCount == 1 && actual.Size == 0,
                    $"{Path.GetRelativePath(reference, file)}: empty file with {actual.LinkCount} links here, {expected.LinkCount} in ostree's checkout");
                copied++;
                continue;
            }

            Assert.True(expected.Inode == actual.Inode, $"{Path.GetRelativePath(reference, file)} is not linked to the object ostree linked");
            linked++;
        }

        Assert.True(linked > 300, $"only {linked} hard-linked files compared");
        Assert.True(copied >= 80, $"only {copied} empty files compared");
    }

    private static void WriteCommit(OstreeRepository repo, DirTree evil, string[] siblings)
    {
        using var tx = repo.BeginTransaction();
        var meta = tx.WriteMetadata(ObjectType.DirMeta, DirMeta.Default.Serialize());
        var evilTree = tx.WriteMetadata(ObjectType.DirTree, evil.Serialize());
        var dirs = siblings.Select(s => new DirTreeDirectory(s, evilTree, meta)).ToArray();
        var root = tx.WriteMetadata(ObjectType.DirTree, new DirTree([], dirs).Serialize());
        var commit = tx.WriteMetadata(ObjectType.Commit, new OstreeCommit([], null, "s", string.Empty, 0, root, meta).Serialize());
        tx.Complete();
        repo.Refs.Set("evil", commit);
    }
}
