using AptOstree.Testing;

namespace AptOstree.Samples.Tests.Cli;

/// <summary>`apt-ostree ostree commit` with several `--tree=` layers builds one tree as ostree does (issue 15 D15).</summary>
public sealed class OstreeCommitLayersCliTests : IDisposable
{
    private readonly TempDirectory _tmp = new();

    public void Dispose() => _tmp.Dispose();

    [SkippableFact]
    public void Commit_DirAndRefLayers_SameCommitAsOstree()
    {
        ExternalTool.Require("ostree");
        Write("base/usr/bin/tool", "v1");
        Write("base/etc/conf", "base");
        Write("top/usr/bin/tool", "v2");
        Write("top/usr/share/new", "new");
        string[] common = ["--no-bindings", "--timestamp=2020-01-01 00:00:00 UTC", "-s", "layers"];
        foreach (var (tool, repo) in new[] { ("ostree", _tmp.Combine("ref")), ("ours", _tmp.Combine("ours")) })
        {
            Run(tool, ["init", "--repo=" + repo, "--mode=archive"]);
            Run(tool, ["commit", "--repo=" + repo, "-b", "base", .. common, "--tree=dir=" + _tmp.Combine("base")]);
        }

        string[] layered = ["-b", "x", .. common, "--tree=ref=base", "--tree=dir=" + _tmp.Combine("top")];
        var expected = Run("ostree", ["commit", "--repo=" + _tmp.Combine("ref"), .. layered]);
        Assert.Equal(expected, Run("ours", ["commit", "--repo=" + _tmp.Combine("ours"), .. layered]));
    }

    [SkippableFact]
    public void Commit_FileLayerOverDirectory_FailsAsOstreeAndMovesNothing()
    {
        ExternalTool.Require("ostree");
        Directory.CreateDirectory(_tmp.Combine("d1", "a"));
        Write("d2/a", "file");
        var refRepo = _tmp.Combine("ref");
        var repo = _tmp.Combine("ours");
        Run("ostree", ["init", "--repo=" + refRepo, "--mode=bare-user"]);
        Run("ours", ["init", "--repo=" + repo, "--mode=bare-user"]);
        string[] args = ["-b", "x", "--tree=dir=" + _tmp.Combine("d1"), "--tree=dir=" + _tmp.Combine("d2")];
        var ostree = ExternalTool.Run("ostree", ["commit", "--repo=" + refRepo, .. args]);
        Assert.NotEqual(0, ostree.ExitCode);
        var ours = SampleTools.AptOstree(["ostree", "commit", "--repo=" + repo, .. args]);
        Assert.Equal(2, ours.ExitCode);
        Assert.Contains("AO3019", ours.StandardError, StringComparison.Ordinal);
        Assert.Contains("Can't replace directory with file: a", ostree.StandardError, StringComparison.Ordinal);
        Assert.Contains("Can't replace directory with file: a", ours.StandardError, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(repo, "refs", "heads", "x")));
    }

    private void Write(string relative, string content)
    {
        var path = _tmp.Combine(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
    }

    private static string Run(string tool, string[] args)
    {
        var result = tool == "ostree" ? ExternalTool.Run("ostree", args) : SampleTools.AptOstree(["ostree", .. args]);
        Assert.True(result.ExitCode == 0, $"{tool} {string.Join(' ', args)}: {result.StandardError}");
        return result.StandardOutput;
    }
}
