using AptOstree.Testing;

namespace AptOstree.OSTree.Tests.Pull;

/// <summary>ostree pulls from our repos (HTTP and local); we pull from ostree's; summary files interoperate.</summary>
public class PullInteropTests
{
    [SkippableFact]
    public void OstreePullsOurArchiveOverHttpWithAndWithoutSummary()
    {
        ExternalTool.Require("ostree", "python3");
        using var tmp = new TempDirectory("ostree-http-");
        string tree = tmp.Combine("tree");
        OstreeTestTrees.BuildGolden(tree, includeSpecialModes: false);
        var ours = OstreeRepository.Create(tmp.Combine("ours"), RepoMode.Archive);
        ours.Commit(tree, new CommitOptions { Branch = "t", Subject = "served", Metadata = [new("version", AptOstree.OSTree.GVariant.GVariantValue.FromString("1.0"))] });
        using var server = new StaticHttpServer(ours.Path);

        string client = tmp.Combine("cl");
        OstreeTestTrees.Ostree("--repo=" + client, "init", "--mode=bare-user");
        OstreeTestTrees.Ostree("--repo=" + client, "remote", "add", "--no-gpg-verify", "o", server.Url);
        OstreeTestTrees.Ostree("--repo=" + client, "pull", "o", "t");
        OstreeTestTrees.Ostree("--repo=" + client, "fsck");
        OstreeTestTrees.Ostree("--repo=" + client, "checkout", "-U", "o:t", tmp.Combine("co"));
        Assert.Equal(0, ExternalTool.Run("diff", ["-r", "--no-dereference", tree, tmp.Combine("co")]).ExitCode);

        ours.UpdateSummary();
        string view = OstreeTestTrees.Ostree("--repo=" + ours.Path, "summary", "--view");
        Assert.Contains("* t", view, StringComparison.Ordinal);
        Assert.Contains($"Latest Commit ({new FileInfo(ours.Objects.GetLoosePath(ours.ResolveRev("t"), ObjectType.Commit)).Length} bytes)", view, StringComparison.Ordinal);
        Assert.Contains("(ostree.commit.version): 1.0", view, StringComparison.Ordinal);
        string client2 = tmp.Combine("cl2");
        OstreeTestTrees.Ostree("--repo=" + client2, "init", "--mode=archive");
        OstreeTestTrees.Ostree("--repo=" + client2, "remote", "add", "--no-gpg-verify", "o", server.Url);
        Assert.Contains("o:t", OstreeTestTrees.Ostree("--repo=" + client2, "remote", "refs", "o"), StringComparison.Ordinal);
        OstreeTestTrees.Ostree("--repo=" + client2, "pull", "o", "t");
        OstreeTestTrees.Ostree("--repo=" + client2, "fsck");
    }

    [SkippableTheory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task WePullOstreesArchiveOverHttpAndResume(bool withSummary)
    {
        ExternalTool.Require("ostree", "python3");
        using var tmp = new TempDirectory("ostree-http-");
        string tree = tmp.Combine("tree");
        OstreeTestTrees.BuildGolden(tree, includeSpecialModes: false);
        string served = tmp.Combine("served");
        OstreeTestTrees.Ostree("--repo=" + served, "init", "--mode=archive");
        OstreeTestTrees.Ostree("--repo=" + served, "commit", "-b", "t", "-s", "first", tree);
        File.WriteAllText(Path.Combine(tree, "second"), "2");
        OstreeTestTrees.Ostree("--repo=" + served, "commit", "-b", "t", "-s", "second", tree);
        if (withSummary)
        {
            OstreeTestTrees.Ostree("--repo=" + served, "summary", "-u");
        }

        using var server = new StaticHttpServer(served);
        var repo = OstreeRepository.Create(tmp.Combine("ours"), RepoMode.BareUser);
        repo.Remotes.Add("o", server.Url);
        var commit = await repo.PullAsync("o", "t", new PullOptions { Depth = 1 });
        Assert.Equal(File.ReadAllText(Path.Combine(served, "refs/heads/t")).Trim(), commit.ToString());
        Assert.Equal(commit, repo.Refs.Resolve("o:t"));
        Assert.NotNull(repo.ReadCommit(commit).Parent is Checksum p && repo.Objects.Contains(p, ObjectType.Commit) ? p : null);
        Assert.True(repo.Fsck().IsClean);
        repo.Checkout(commit, tmp.Combine("co"), new CheckoutOptions { Mode = CheckoutMode.User });
        Assert.Equal(0, ExternalTool.Run("diff", ["-r", "--no-dereference", tree, tmp.Combine("co")]).ExitCode);

        // Lose some objects (an interrupted pull), pull again: only those are fetched and the repo is whole.
        var victims = repo.Objects.Enumerate().Where(o => o.Type == ObjectType.File).Take(20).ToList();
        foreach (var v in victims)
        {
            File.Delete(repo.Objects.GetLoosePath(v.Checksum, v.Type));
        }

        Assert.False(repo.Fsck().IsClean);
        await repo.PullAsync("o", "t");
        Assert.True(repo.Fsck().IsClean);
        OstreeTestTrees.Ostree("--repo=" + repo.Path, "fsck");
    }

    [SkippableFact]
    public async Task CorruptServedObjectFailsThePullNamingIt()
    {
        ExternalTool.Require("ostree", "python3");
        using var tmp = new TempDirectory("ostree-http-");
        string tree = tmp.Combine("tree");
        Directory.CreateDirectory(tree);
        File.WriteAllText(Path.Combine(tree, "victim"), new string('v', 10000));
        var served = OstreeRepository.Create(tmp.Combine("served"), RepoMode.Archive);
        var commit = served.Commit(tree, new CommitOptions { Branch = "t" });
        var victim = served.Browse().List(commit, "/victim").Single().Checksum;
        string path = served.Objects.GetLoosePath(victim, ObjectType.File);
        var header = FileHeader.ForFile(0, 0, 0x1A4);
        using (var f = File.Create(path))
        {
            f.Write(header.SerializeArchiveHeader(10000));
            using var deflate = new System.IO.Compression.DeflateStream(f, System.IO.Compression.CompressionLevel.Optimal);
            deflate.Write(System.Text.Encoding.ASCII.GetBytes(new string('w', 10000)));
        }

        using var server = new StaticHttpServer(served.Path);
        var repo = OstreeRepository.Create(tmp.Combine("ours"), RepoMode.BareUser);
        repo.Remotes.Add("o", server.Url);
        var ex = await Assert.ThrowsAsync<ChecksumMismatchException>(() => repo.PullAsync("o", "t"));
        Assert.Contains(victim.ToString(), ex.Message, StringComparison.Ordinal);
        Assert.Null(repo.Refs.TryResolve("o:t"));
        Assert.False(repo.Objects.Contains(victim, ObjectType.File));
    }

    [SkippableFact]
    public async Task PullLocalInteropsInEveryMode()
    {
        ExternalTool.Require("ostree");
        Skip.If(!Posix.LibcPosixFileSystem.IsRoot, "needs root for bare mode");
        using var tmp = new TempDirectory("ostree-pl-");
        string tree = tmp.Combine("tree");
        OstreeTestTrees.BuildGolden(tree, includeSpecialModes: false);
        foreach (var mode in new[] { RepoMode.Bare, RepoMode.BareUser, RepoMode.BareUserOnly, RepoMode.Archive })
        {
            var ours = OstreeRepository.Create(tmp.Combine("ours-" + mode), mode);
            var commit = ours.Commit(tree, new CommitOptions { Branch = "t" });

            // ostree pulls from us.
            string theirs = tmp.Combine("theirs-" + mode);
            OstreeTestTrees.Ostree("--repo=" + theirs, "init", "--mode=archive");
            OstreeTestTrees.Ostree("--repo=" + theirs, "pull-local", ours.Path, "t");
            OstreeTestTrees.Ostree("--repo=" + theirs, "fsck");
            Assert.Equal(commit.ToString(), File.ReadAllText(Path.Combine(theirs, "refs/heads/t")).Trim());

            // We pull from ostree's copy into a fresh repo of each mode.
            var back = OstreeRepository.Create(tmp.Combine("back-" + mode), mode);
            Assert.Equal(commit, await back.PullLocalAsync(theirs, "t"));
            Assert.True(back.Fsck().IsClean);
            OstreeTestTrees.Ostree("--repo=" + back.Path, "fsck");
            back.Checkout("t", tmp.Combine("co-" + mode), new CheckoutOptions { Mode = CheckoutMode.User });
            Assert.Equal(0, ExternalTool.Run("diff", ["-r", "--no-dereference", tree, tmp.Combine("co-" + mode)]).ExitCode);
        }
    }
}
