using AptOstree.Posix;
using AptOstree.Testing;

namespace AptOstree.OSTree.Tests.Checkout;

/// <summary>We check out what ostree wrote; ostree checks out what we wrote; both equal the source tree.</summary>
public class CheckoutInteropTests
{
    private static readonly IPosixFileSystem Fs = LibcPosixFileSystem.Instance;

    [SkippableTheory]
    [InlineData("bare")]
    [InlineData("bare-user")]
    [InlineData("bare-user-only")]
    [InlineData("archive")]
    public void WeCheckOutWhatOstreeWrote(string mode)
    {
        ExternalTool.Require("ostree");
        Skip.If(!LibcPosixFileSystem.IsRoot, "needs root (ownership and bare mode)");
        using var tmp = new TempDirectory("ostree-co-");
        string tree = tmp.Combine("tree");
        bool userOnly = mode == "bare-user-only";
        OstreeTestTrees.BuildGolden(tree, includeSpecialModes: !userOnly);
        string repo = tmp.Combine("repo");
        OstreeTestTrees.Ostree("init", "--repo=" + repo, "--mode=" + mode);
        var commitArgs = new List<string> { "--repo=" + repo, "commit", "-b", "t", "-s", "s" };
        if (userOnly)
        {
            commitArgs.AddRange(["--owner-uid=0", "--owner-gid=0", "--no-xattrs", "--canonical-permissions"]);
        }

        ExternalTool.Run("ostree", [.. commitArgs, tree]).EnsureSuccess("ostree commit");
        var ours = OstreeRepository.Open(repo);
        Assert.Equal(mode == "archive" ? RepoMode.Archive : Enum.Parse<RepoMode>(mode.Replace("-", string.Empty, StringComparison.Ordinal), ignoreCase: true), ours.Mode);

        // Root-mode checkout (copy or hardlink, whatever the mode allows) equals ostree's own checkout.
        string refCo = tmp.Combine("ref-co");
        ExternalTool.Run("ostree", ["--repo=" + repo, "checkout", userOnly ? "-U" : "--fsync=false", "t", refCo]).EnsureSuccess("ostree checkout");
        string ourCo = tmp.Combine("our-co");
        ours.Checkout("t", ourCo, new CheckoutOptions { Mode = userOnly ? CheckoutMode.User : CheckoutMode.Root });
        Assert.Equal(OstreeTestTrees.Describe(refCo), OstreeTestTrees.Describe(ourCo));
        Assert.Equal(0, ExternalTool.Run("diff", ["-r", "--no-dereference", tree, ourCo]).ExitCode);

        // User-mode checkout equals ostree's -U checkout.
        string refU = tmp.Combine("ref-u");
        string ourU = tmp.Combine("our-u");
        OstreeTestTrees.Ostree("--repo=" + repo, "checkout", "-U", "t", refU);
        ours.Checkout("t", ourU, new CheckoutOptions { Mode = CheckoutMode.User });
        Assert.Equal(OstreeTestTrees.Describe(refU, xattrs: false), OstreeTestTrees.Describe(ourU, xattrs: false));
    }

    [SkippableTheory]
    [InlineData("bare", false)]
    [InlineData("bare-user", true)]
    [InlineData("bare-user-only", true)]
    public void HardlinkCheckoutLinksEveryNonEmptyFile(string mode, bool user)
    {
        ExternalTool.Require("ostree");
        Skip.If(!LibcPosixFileSystem.IsRoot, "needs root");
        using var tmp = new TempDirectory("ostree-hl-");
        string tree = tmp.Combine("tree");
        OstreeTestTrees.BuildGolden(tree, includeSpecialModes: mode != "bare-user-only");
        Assert.True(RepoModeExtensions.TryParse(mode, out var repoMode));
        var repo = OstreeRepository.Create(tmp.Combine("repo"), repoMode);
        var commit = repo.Commit(tree, new CommitOptions { Branch = "t" }, new ImportOptions { CanonicalPermissions = mode == "bare-user-only" });
        string co = tmp.Combine("co");
        var cache = new DevInoCache();
        repo.Checkout(commit, co, new CheckoutOptions { Mode = user ? CheckoutMode.User : CheckoutMode.Root, RequireHardlinks = true, DevInoCache = cache });
        Assert.True(Fs.GetStatus(Path.Combine(co, "hello.txt")).LinkCount >= 3);
        Assert.Equal(1u, Fs.GetStatus(Path.Combine(co, "empty")).LinkCount);
        Assert.True(Fs.GetStatus(Path.Combine(co, "link")).IsSymbolicLink);
        Assert.Equal("hello.txt", Fs.ReadSymbolicLink(Path.Combine(co, "link")));

        // ostree's own hardlink checkout of our repo works too.
        var args = user ? new[] { "-U", "-H" } : ["-H"];
        ExternalTool.Run("ostree", ["--repo=" + repo.Path, "checkout", .. args, "t", tmp.Combine("ostree-co")]).EnsureSuccess("ostree checkout -H");
        Assert.Equal(OstreeTestTrees.Describe(tmp.Combine("ostree-co"), xattrs: !user), OstreeTestTrees.Describe(co, xattrs: !user));

        // Re-committing the hardlinked checkout hits the dev/ino cache and gives the same commit.
        var again = repo.Commit(co, new CommitOptions { Branch = "t2", Timestamp = repo.ReadCommit(commit).Time, NoBindings = true }, new ImportOptions { DevInoCache = cache, CanonicalPermissions = mode == "bare-user-only" });
        var baseline = repo.Commit(tree, new CommitOptions { Branch = "t3", Timestamp = repo.ReadCommit(commit).Time, NoBindings = true }, new ImportOptions { CanonicalPermissions = mode == "bare-user-only" });
        Assert.True(cache.Hits > 300, $"only {cache.Hits} dev/ino hits");
        if (!user)
        {
            Assert.Equal(repo.ReadCommit(baseline).RootTree, repo.ReadCommit(again).RootTree);
        }
        else
        {
            // User checkouts drop directory xattrs, so compare the round trip instead.
            repo.Checkout(again, tmp.Combine("co2"), new CheckoutOptions { Mode = CheckoutMode.User });
            Assert.Equal(OstreeTestTrees.Describe(co, xattrs: false), OstreeTestTrees.Describe(tmp.Combine("co2"), xattrs: false));
        }

        OstreeTestTrees.Ostree("--repo=" + repo.Path, "fsck");
    }

    [SkippableFact]
    public void OstreeChecksOutAndFscksWhatWeWroteInEveryMode()
    {
        ExternalTool.Require("ostree");
        Skip.If(!LibcPosixFileSystem.IsRoot, "needs root");
        using var tmp = new TempDirectory("ostree-acc-");
        string tree = tmp.Combine("tree");
        OstreeTestTrees.BuildGolden(tree, includeSpecialModes: false);
        foreach (var mode in new[] { RepoMode.Bare, RepoMode.BareUser, RepoMode.BareUserOnly, RepoMode.Archive })
        {
            string path = tmp.Combine("repo-" + mode);
            var repo = OstreeRepository.Create(path, mode);
            repo.Commit(tree, new CommitOptions { Branch = "t", Subject = "hello" });
            OstreeTestTrees.Ostree("--repo=" + path, "fsck");
            Assert.Contains("hello", OstreeTestTrees.Ostree("--repo=" + path, "show", "t"), StringComparison.Ordinal);
            string co = tmp.Combine("co-" + mode);
            OstreeTestTrees.Ostree("--repo=" + path, "checkout", "-U", "t", co);
            Assert.Equal(0, ExternalTool.Run("diff", ["-r", "--no-dereference", tree, co]).ExitCode);
        }
    }

    [SkippableFact]
    public void UnionAndWhiteoutMatrixMatchesOstree()
    {
        ExternalTool.Require("ostree");
        using var tmp = new TempDirectory("ostree-union-");
        string baseTree = tmp.Combine("base");
        string layer = tmp.Combine("layer");
        Directory.CreateDirectory(Path.Combine(baseTree, "d"));
        Directory.CreateDirectory(Path.Combine(baseTree, "opq"));
        File.WriteAllText(Path.Combine(baseTree, "a"), "base");
        File.WriteAllText(Path.Combine(baseTree, "gone"), "gone");
        File.WriteAllText(Path.Combine(baseTree, "d/k"), "k");
        File.WriteAllText(Path.Combine(baseTree, "opq/old"), "old");
        Directory.CreateDirectory(Path.Combine(layer, "d"));
        Directory.CreateDirectory(Path.Combine(layer, "opq"));
        File.WriteAllText(Path.Combine(layer, "a"), "layer");
        File.WriteAllText(Path.Combine(layer, ".wh.gone"), string.Empty);
        File.WriteAllText(Path.Combine(layer, "d/n"), "n");
        File.WriteAllText(Path.Combine(layer, "opq/.wh..wh..opq"), string.Empty);
        File.WriteAllText(Path.Combine(layer, "opq/new"), "new");
        var repo = OstreeRepository.Create(tmp.Combine("repo"), RepoMode.BareUser);
        repo.Commit(baseTree, new CommitOptions { Branch = "base" });
        repo.Commit(layer, new CommitOptions { Branch = "layer" });
        var cases = new (string[] Flags, CheckoutOverwriteMode Mode, bool Whiteouts)[]
        {
            (["--union"], CheckoutOverwriteMode.UnionFiles, false),
            (["--union-add"], CheckoutOverwriteMode.AddFiles, false),
            (["--union", "--whiteouts"], CheckoutOverwriteMode.UnionFiles, true),
            (["--union-add", "--whiteouts"], CheckoutOverwriteMode.AddFiles, true),
        };
        int i = 0;
        foreach (var (flags, overwrite, whiteouts) in cases)
        {
            string refCo = tmp.Combine($"ref-{i}");
            string ourCo = tmp.Combine($"our-{i++}");
            OstreeTestTrees.Ostree("--repo=" + repo.Path, "checkout", "-U", "base", refCo);
            ExternalTool.Run("ostree", ["--repo=" + repo.Path, "checkout", "-U", .. flags, "layer", refCo]).EnsureSuccess("ostree checkout " + string.Join(' ', flags));
            repo.Checkout("base", ourCo, new CheckoutOptions { Mode = CheckoutMode.User });
            repo.Checkout("layer", ourCo, new CheckoutOptions { Mode = CheckoutMode.User, Overwrite = overwrite, ProcessWhiteouts = whiteouts });
            Assert.Equal(OstreeTestTrees.Describe(refCo, owners: false, xattrs: false), OstreeTestTrees.Describe(ourCo, owners: false, xattrs: false));
        }
    }

    [SkippableFact]
    public void SubpathAndExistingDestinationBehaveLikeOstree()
    {
        ExternalTool.Require("ostree");
        using var tmp = new TempDirectory("ostree-sub-");
        string tree = tmp.Combine("tree");
        OstreeTestTrees.BuildGolden(tree, includeSpecialModes: false);
        var repo = OstreeRepository.Create(tmp.Combine("repo"), RepoMode.BareUser);
        repo.Commit(tree, new CommitOptions { Branch = "t" });
        repo.Checkout("t", tmp.Combine("sub"), new CheckoutOptions { Mode = CheckoutMode.User, Subpath = "/sub" });
        OstreeTestTrees.Ostree("--repo=" + repo.Path, "checkout", "-U", "--subpath=/sub", "t", tmp.Combine("ref-sub"));
        Assert.Equal(OstreeTestTrees.Describe(tmp.Combine("ref-sub"), xattrs: false), OstreeTestTrees.Describe(tmp.Combine("sub"), xattrs: false));
        var ex = Assert.ThrowsAny<AptOstreeException>(() => repo.Checkout("t", tmp.Combine("sub"), new CheckoutOptions { Mode = CheckoutMode.User }));
        Assert.Equal(OstreeErrorCodes.CheckoutConflict, ex.ErrorCode);
    }
}
