using AptOstree.Testing;

namespace AptOstree.Samples.Tests.Cli;

/// <summary>`apt-ostree ostree …` on repositories the real ostree then reads (and the other way round).</summary>
public class OstreeCliTests
{
    /// <summary>A format both ostree and apt-ostree parse (ostree rejects bare epoch seconds).</summary>
    private const string Timestamp = "2023-11-14 22:13:20 UTC";

    [SkippableFact]
    public void InitAndCommit_RealOstreeResolvesTheRefToOurChecksumAndFsckIsClean()
    {
        ExternalTool.Require("ostree");
        using var tmp = new TempDirectory();
        var repo = tmp.Combine("repo");
        var tree = NewTree(tmp);
        Ok(SampleTools.AptOstree("ostree", "init", $"--repo={repo}", "--mode=bare-user"));
        var checksum = Ok(SampleTools.AptOstree("ostree", "commit", $"--repo={repo}", "-b", "t", $"--tree=dir={tree}", "-s", "first", $"--timestamp={Timestamp}")).Trim();

        Assert.Matches("^[0-9a-f]{64}$", checksum);
        Assert.Equal(checksum, ExternalTool.Output("ostree", $"--repo={repo}", "rev-parse", "t").Trim());
        ExternalTool.Run("ostree", [$"--repo={repo}", "fsck"]).EnsureSuccess("ostree fsck");
        Assert.Equal("bare-user", ExternalTool.Output("ostree", $"--repo={repo}", "config", "get", "core.mode").Trim());
        var log = ExternalTool.Output("ostree", $"--repo={repo}", "log", "t");
        Assert.Contains("first", log, StringComparison.Ordinal);
        Assert.Contains("2023-11-14 22:13:20 +0000", log, StringComparison.Ordinal);
    }

    [SkippableTheory]
    [InlineData("same subject")]
    [InlineData("@release 42")] // a leading @ is text, as for ostree, not a response file to read arguments from
    public void Commit_ChecksumEqualsRealOstreeCommitOfTheSameTree(string subject)
    {
        ExternalTool.Require("ostree");
        using var tmp = new TempDirectory();
        var tree = NewTree(tmp);
        var ours = tmp.Combine("ours");
        var theirs = tmp.Combine("theirs");
        Ok(SampleTools.AptOstree("ostree", "init", $"--repo={ours}", "--mode=bare-user"));
        ExternalTool.Output("ostree", "init", $"--repo={theirs}", "--mode=bare-user");
        var expected = ExternalTool.Output("ostree", "commit", $"--repo={theirs}", "-b", "t", $"--tree=dir={tree}", "-s", subject, "-m", "same body", $"--timestamp={Timestamp}").Trim();
        var actual = Ok(SampleTools.AptOstree("ostree", "commit", $"--repo={ours}", "-b", "t", $"--tree=dir={tree}", "-s", subject, "-m", "same body", $"--timestamp={Timestamp}")).Trim();
        Assert.Equal(expected, actual);
    }

    [SkippableFact]
    public void Checkout_WritesTheSameTreeAsRealOstreeCheckout()
    {
        ExternalTool.Require("ostree");
        using var tmp = new TempDirectory();
        var repo = tmp.Combine("repo");
        Ok(SampleTools.AptOstree("ostree", "init", $"--repo={repo}", "--mode=bare-user"));
        Ok(SampleTools.AptOstree("ostree", "commit", $"--repo={repo}", "-b", "t", $"--tree=dir={NewTree(tmp)}", "-s", "s", $"--timestamp={Timestamp}"));

        var ours = tmp.Combine("ours");
        var theirs = tmp.Combine("theirs");
        Ok(SampleTools.AptOstree("ostree", "checkout", $"--repo={repo}", "-U", "t", ours));
        ExternalTool.Output("ostree", $"--repo={repo}", "checkout", "-U", "t", theirs);
        var expected = Describe(theirs);
        Assert.Contains("l ./usr/bin/hi-link -> hi", expected);
        Assert.Equal(expected, Describe(ours));
    }

    [SkippableFact]
    public void RefsAndLsR_PrintWhatRealOstreePrints()
    {
        ExternalTool.Require("ostree");
        using var tmp = new TempDirectory();
        var repo = tmp.Combine("repo");
        var tree = NewTree(tmp);
        Ok(SampleTools.AptOstree("ostree", "init", $"--repo={repo}", "--mode=bare-user"));
        Ok(SampleTools.AptOstree("ostree", "commit", $"--repo={repo}", "-b", "os/x86_64/stable", $"--tree=dir={tree}", $"--timestamp={Timestamp}"));
        Ok(SampleTools.AptOstree("ostree", "commit", $"--repo={repo}", "-b", "os/x86_64/devel", $"--tree=dir={tree}", $"--timestamp={Timestamp}"));
        ExternalTool.Output("ostree", $"--repo={repo}", "commit", "-b", "other", $"--tree=dir={tree}", $"--timestamp={Timestamp}");

        var refs = ExternalTool.Output("ostree", $"--repo={repo}", "refs");
        Assert.Equal(3, refs.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Equal(Sorted(refs), Sorted(Ok(SampleTools.AptOstree("ostree", "refs", $"--repo={repo}"))));

        var ls = ExternalTool.Output("ostree", $"--repo={repo}", "ls", "-R", "os/x86_64/stable");
        Assert.Contains("/usr/bin/hi", ls, StringComparison.Ordinal);
        Assert.Equal(ls, Ok(SampleTools.AptOstree("ostree", "ls", $"--repo={repo}", "-R", "os/x86_64/stable")));
        Assert.Equal(
            ExternalTool.Output("ostree", $"--repo={repo}", "ls", "other", "/usr/bin"),
            Ok(SampleTools.AptOstree("ostree", "ls", $"--repo={repo}", "other", "/usr/bin")));
    }

    [SkippableFact]
    public void Fsck_CleanOnRealOstreeRepo_FailsLikeRealOstreeOnCorruptObject()
    {
        ExternalTool.Require("ostree");
        using var tmp = new TempDirectory();
        var repo = tmp.Combine("repo");
        ExternalTool.Output("ostree", "init", $"--repo={repo}", "--mode=bare-user");
        ExternalTool.Output("ostree", "commit", $"--repo={repo}", "-b", "t", $"--tree=dir={NewTree(tmp)}", $"--timestamp={Timestamp}");
        var clean = SampleTools.AptOstree("ostree", "fsck", $"--repo={repo}");
        Assert.True(clean.ExitCode == 0, clean.StandardError);
        Assert.EndsWith("no errors found\n", clean.StandardOutput, StringComparison.Ordinal);

        // Same size, different content: only a checksum check notices.
        var readme = Directory.EnumerateFiles(Path.Combine(repo, "objects"), "*.file", SearchOption.AllDirectories)
            .Single(f => File.ReadAllText(f) == "readme\n");
        ExternalTool.Output("chmod", "u+w", readme);
        File.WriteAllText(readme, "README\n");
        Assert.NotEqual(0, ExternalTool.Run("ostree", [$"--repo={repo}", "fsck"]).ExitCode);
        var corrupt = SampleTools.AptOstree("ostree", "fsck", $"--repo={repo}");
        Assert.Equal(1, corrupt.ExitCode);
        Assert.Contains("error: Repository corruption encountered", corrupt.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingRefOrRepo_OneLineErrorAndExitCode2()
    {
        using var tmp = new TempDirectory();
        var repo = tmp.Combine("repo");
        Ok(SampleTools.AptOstree("ostree", "init", $"--repo={repo}", "--mode=bare-user"));
        AssertOneLineError(SampleTools.AptOstree("ostree", "checkout", $"--repo={repo}", "nosuch", tmp.Combine("co")), "AO3");
        Assert.False(Directory.Exists(tmp.Combine("co")));
        AssertOneLineError(SampleTools.AptOstree("ostree", "ls", $"--repo={tmp.Combine("not-a-repo")}", "t"), "AO3");
    }

    internal static void AssertOneLineError(ToolResult result, string codePrefix)
    {
        Assert.Equal(2, result.ExitCode);
        var lines = result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, result.StandardError);
        Assert.StartsWith("apt-ostree: error " + codePrefix, lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.StandardError, StringComparison.Ordinal);
    }

    private static string Sorted(string lines) =>
        string.Join('\n', lines.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal));

    private static string Ok(ToolResult result)
    {
        Assert.True(result.ExitCode == 0, $"apt-ostree exited {result.ExitCode}: {result.StandardError}{result.StandardOutput}");
        return result.StandardOutput;
    }

    /// <summary>A small tree: nested directories, an executable, a symlink, an empty file.</summary>
    private static string NewTree(TempDirectory tmp)
    {
        var tree = tmp.Combine("tree");
        Directory.CreateDirectory(Path.Combine(tree, "usr", "bin"));
        Directory.CreateDirectory(Path.Combine(tree, "usr", "share", "doc", "x"));
        var hi = Path.Combine(tree, "usr", "bin", "hi");
        File.WriteAllText(hi, "#!/bin/sh\necho hi\n");
        ExternalTool.Output("chmod", "755", hi);
        File.CreateSymbolicLink(Path.Combine(tree, "usr", "bin", "hi-link"), "hi");
        File.WriteAllText(Path.Combine(tree, "usr", "share", "doc", "x", "README"), "readme\n");
        File.WriteAllText(Path.Combine(tree, "usr", "share", "doc", "x", "empty"), "");
        return tree;
    }

    private static List<string> Describe(string root)
    {
        var lines = new List<string>();
        foreach (var entry in new DirectoryInfo(root).EnumerateFileSystemInfos("*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }))
        {
            var rel = "./" + Path.GetRelativePath(root, entry.FullName);
            lines.Add(entry switch
            {
                _ when entry.LinkTarget is { } target => $"l {rel} -> {target}",
                DirectoryInfo d => $"d {rel} {Convert.ToString((int)d.UnixFileMode, 8)}",
                FileInfo f => $"f {rel} {Convert.ToString((int)f.UnixFileMode, 8)} {File.ReadAllText(f.FullName)}",
                _ => $"? {rel}",
            });
        }

        lines.Sort(StringComparer.Ordinal);
        return lines;
    }
}
