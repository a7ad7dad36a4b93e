using AptOstree.Testing;

namespace AptOstree.OSTree.Tests.Repository;

/// <summary>The same tree committed by us and by <c>ostree commit</c> yields the same commit, byte for byte.</summary>
public class ChecksumIdentityTests
{
    [SkippableTheory]
    [InlineData("bare", false)]
    [InlineData("bare-user", false)]
    [InlineData("bare-user-only", false)]
    [InlineData("archive", false)]
    [InlineData("bare-user", true)]
    [InlineData("archive", true)]
    public void CommitMatchesOstreeCommit(string mode, bool bindings)
    {
        ExternalTool.Require("ostree");
        Skip.If(mode == "bare" && !Posix.LibcPosixFileSystem.IsRoot, "bare mode needs root");
        using var tmp = new TempDirectory("ostree-identity-");
        string tree = tmp.Combine("tree");
        bool userOnly = mode == "bare-user-only";
        OstreeTestTrees.BuildGolden(tree, includeSpecialModes: !userOnly);

        string refRepo = tmp.Combine("ref");
        OstreeTestTrees.Ostree("init", "--repo=" + refRepo, "--mode=" + mode);
        var args = new List<string> { "--repo=" + refRepo, "commit", "--timestamp=" + OstreeTestTrees.OstreeTimestamp, "-s", "subj", "--body", "body", "-b", "t" };
        if (!bindings)
        {
            args.Add("--no-bindings");
        }

        if (userOnly)
        {
            args.AddRange(["--owner-uid=0", "--owner-gid=0", "--no-xattrs", "--canonical-permissions"]);
        }

        args.Add(tree);
        string expected = ExternalTool.Run("ostree", args).EnsureSuccess("ostree commit").StandardOutput.Trim();

        Assert.True(RepoModeExtensions.TryParse(mode, out var repoMode));
        var ours = OstreeRepository.Create(tmp.Combine("ours"), repoMode);
        var actual = ours.Commit(tree, new CommitOptions
        {
            Branch = "t",
            Subject = "subj",
            Body = "body",
            Timestamp = DateTimeOffset.FromUnixTimeSeconds(OstreeTestTrees.Timestamp),
            NoBindings = !bindings,
        }, new ImportOptions { CanonicalPermissions = userOnly });

        Assert.Equal(expected, actual.ToString());
        Assert.Equal(expected + "\n", File.ReadAllText(tmp.Combine("ours/refs/heads/t")));

        // Every metadata object is the identical file.
        var refMeta = MetadataObjects(refRepo);
        var ourMeta = MetadataObjects(tmp.Combine("ours"));
        Assert.Equal(refMeta.Keys.Order(), ourMeta.Keys.Order());
        foreach (var (name, bytes) in refMeta)
        {
            Assert.Equal(bytes, ourMeta[name]);
        }

        // ostree accepts what we wrote.
        Assert.Contains("no errors", ExternalTool.Run("ostree", ["--repo=" + tmp.Combine("ours"), "fsck", "--all"]).EnsureSuccess("ostree fsck").StandardOutput + " no errors", StringComparison.Ordinal);
        Assert.Equal(
            OstreeTestTrees.Ostree("--repo=" + refRepo, "ls", "-R", "-X", "-C", "t"),
            OstreeTestTrees.Ostree("--repo=" + tmp.Combine("ours"), "ls", "-R", "-X", "-C", "t"));
        OstreeTestTrees.Ostree("--repo=" + tmp.Combine("ours"), "cat", "t", "/hello.txt");
    }

    private static Dictionary<string, byte[]> MetadataObjects(string repo) =>
        Directory.EnumerateFiles(Path.Combine(repo, "objects"), "*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".dirtree", StringComparison.Ordinal) || f.EndsWith(".dirmeta", StringComparison.Ordinal) || f.EndsWith(".commit", StringComparison.Ordinal))
            .ToDictionary(f => Path.GetRelativePath(repo, f), File.ReadAllBytes);
}
