using AptOstree.Posix;
using AptOstree.Testing;

namespace AptOstree.OSTree.Tests.Checkout;

/// <summary>
/// When a checkout links and when it copies, against ostree (issue 11, defect 4): the archive
/// <c>uncompressed-objects-cache</c> and the user-mode rule for files their owner cannot read.
/// </summary>
public class CheckoutParityTests
{
    [SkippableTheory]
    [InlineData(false)]
    [InlineData(true)]
    public void CheckoutUser_ArchiveRepository_SharesInodesThroughTheCacheAsOstree(bool disableCache)
    {
        ExternalTool.Require("ostree");
        using var tmp = new TempDirectory("ostree-cache-");
        string tree = tmp.Combine("tree");
        Directory.CreateDirectory(Path.Combine(tree, "sub"));
        Write(tree, "a", "same content", 0x1A4);
        Write(tree, "sub/b", "same content", 0x1A4);
        Write(tree, "c", "other content", 0x1ED);
        Write(tree, "setuid", "setuid content", 0x9ED);
        Write(tree, "empty", string.Empty, 0x1A4);
        Write(tree, "unreadable", "secret", 0x000);
        File.CreateSymbolicLink(Path.Combine(tree, "link"), "a");
        string theirs = tmp.Combine("theirs");
        OstreeTestTrees.Ostree("--repo=" + theirs, "init", "--mode=archive");
        OstreeTestTrees.Ostree("--repo=" + theirs, "commit", "-b", "b", "--timestamp=@1700000000", "--tree=dir=" + tree);
        string ours = tmp.Combine("ours");
        ExternalTool.Run("cp", ["-a", theirs, ours]).EnsureSuccess("cp");

        string[] disable = disableCache ? ["--disable-cache"] : [];
        OstreeTestTrees.Ostree(["--repo=" + theirs, "checkout", "-U", .. disable, "b", tmp.Combine("co-theirs")]);
        OstreeTestTrees.Ostree(["--repo=" + theirs, "checkout", "-U", .. disable, "b", tmp.Combine("co-theirs-2")]);
        var repo = OstreeRepository.Open(ours);
        var options = new CheckoutOptions { Mode = CheckoutMode.User, UseUncompressedCache = !disableCache };
        repo.Checkout("b", tmp.Combine("co-ours"), options);
        repo.Checkout("b", tmp.Combine("co-ours-2"), options with { MaxParallelism = 1 });

        Assert.Equal(Describe(tmp.Combine("co-theirs")), Describe(tmp.Combine("co-ours")));
        Assert.Equal(Describe(tmp.Combine("co-theirs-2")), Describe(tmp.Combine("co-ours-2")));
        Assert.Equal(Describe(Path.Combine(theirs, "uncompressed-objects-cache")), Describe(Path.Combine(ours, "uncompressed-objects-cache")));
        Assert.Equal(SharedInodes(tmp.Combine("co-theirs"), tmp.Combine("co-theirs-2")), SharedInodes(tmp.Combine("co-ours"), tmp.Combine("co-ours-2")));
        Assert.Equal(disableCache, !Directory.Exists(Path.Combine(ours, "uncompressed-objects-cache")));
        OstreeTestTrees.Ostree("--repo=" + ours, "fsck");
    }

    /// <summary>A mode-0000 file in a bare-user repository is copied (mode 0400) by a user-mode checkout, every other file linked.</summary>
    [SkippableTheory]
    [InlineData(false)]
    [InlineData(true)]
    public void CheckoutUser_BareUserFileWithoutOwnerRead_IsCopiedAsOstreeCopiesIt(bool union)
    {
        ExternalTool.Require("ostree");
        using var tmp = new TempDirectory("ostree-unreadable-");
        string tree = tmp.Combine("tree");
        Directory.CreateDirectory(tree);
        Write(tree, "mode0000", "no one reads me", 0x000);
        Write(tree, "mode0200", "write only", 0x080);
        Write(tree, "mode0044", "group and other", 0x024);
        Write(tree, "mode0400", "owner reads", 0x100);
        Write(tree, "mode0644", "everyone reads", 0x1A4);
        var repo = OstreeRepository.Create(tmp.Combine("repo"), RepoMode.BareUser);
        repo.Commit(tree, new CommitOptions { Branch = "b", Timestamp = DateTimeOffset.FromUnixTimeSeconds(1700000000) });

        string[] unionFlag = union ? ["--union"] : [];
        OstreeTestTrees.Ostree(["--repo=" + repo.Path, "checkout", "-U", .. unionFlag, "b", tmp.Combine("co-theirs")]);
        var options = new CheckoutOptions { Mode = CheckoutMode.User, Overwrite = union ? CheckoutOverwriteMode.UnionFiles : CheckoutOverwriteMode.None };
        repo.Checkout("b", tmp.Combine("co-ours"), options);
        repo.Checkout("b", tmp.Combine("co-ours-1"), options with { MaxParallelism = 1, FullPathXattrsOnly = true });

        var expected = Describe(tmp.Combine("co-theirs"));
        Assert.Contains("mode0000 0400 copied", expected);
        Assert.Contains("mode0644 0644 linked", expected);
        Assert.Equal(expected, Describe(tmp.Combine("co-ours")));
        Assert.Equal(expected, Describe(tmp.Combine("co-ours-1")));
    }

    private static void Write(string root, string relative, string content, uint mode)
    {
        string path = Path.Combine(root, relative);
        File.WriteAllText(path, content);
        LibcPosixFileSystem.Instance.SetPermissions(path, mode);
    }

    /// <summary>Each entry as "path mode linked|copied" (a file with more than one link shares its inode), sorted; none if the directory is absent.</summary>
    private static List<string> Describe(string root)
    {
        var fs = LibcPosixFileSystem.Instance;
        if (!Directory.Exists(root))
        {
            return [];
        }

        return Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories)
            .Select(p =>
            {
                var st = fs.GetStatus(p);
                return $"{Path.GetRelativePath(root, p)} {Convert.ToString(st.Permissions, 8).PadLeft(4, '0')} {(st.IsDirectory ? "dir" : st.LinkCount > 1 ? "linked" : "copied")}";
            })
            .Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>Which files of two checkouts share an inode (with each other or within one), as groups of "checkout:path".</summary>
    private static List<string> SharedInodes(params string[] checkouts)
    {
        var fs = LibcPosixFileSystem.Instance;
        return checkouts.SelectMany((root, i) => Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
                .Where(p => !fs.GetStatus(p).IsSymbolicLink)
                .Select(p => (Name: $"{i}:{Path.GetRelativePath(root, p)}", fs.GetStatus(p).Inode)))
            .GroupBy(e => e.Inode)
            .Select(g => string.Join(' ', g.Select(e => e.Name).Order(StringComparer.Ordinal)))
            .Order(StringComparer.Ordinal).ToList();
    }
}
