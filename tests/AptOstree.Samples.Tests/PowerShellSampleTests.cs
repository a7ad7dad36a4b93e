using AptOstree.Testing;

namespace AptOstree.Samples.Tests;

/// <summary>The PowerShell scripts load the net10.0 assemblies in pwsh 7.6 and agree with the real tools.</summary>
public class PowerShellSampleTests
{
    [SkippableFact]
    public void GetDebInfo_PrintsTheControlFileDpkgDebPrints()
    {
        ExternalTool.Require("dpkg-deb");
        var deb = RealDebs.Get("hello");
        var expected = ExternalTool.Output("dpkg-deb", "-f", deb).TrimEnd();
        var result = SampleTools.RunScript("Get-DebInfo.ps1", "-Path", deb, "-First", "3");
        Assert.True(result.ExitCode == 0, result.StandardError + result.StandardOutput);
        Assert.StartsWith(expected, result.StandardOutput.Replace("\r", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [SkippableFact]
    public void CompareDebianVersion_SortsLikeDpkg()
    {
        ExternalTool.Require("dpkg");
        string[] versions = ["1.0", "1.0~rc1", "1:0.9", "1.0-1", "1.0+b1", "0.9.9~~", "2.0"];
        var result = SampleTools.RunScript("Compare-DebianVersion.ps1", versions);
        Assert.True(result.ExitCode == 0, result.StandardError + result.StandardOutput);
        var sorted = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(versions.Length, sorted.Length);
        for (int i = 1; i < sorted.Length; i++)
        {
            var r = ExternalTool.Run("dpkg", ["--compare-versions", sorted[i - 1], "le", sorted[i]]);
            Assert.True(r.ExitCode == 0, $"dpkg says {sorted[i - 1]} > {sorted[i]}");
        }
    }

    [SkippableFact]
    public void NewOstreeCommit_WritesACommitOstreeAccepts()
    {
        ExternalTool.Require("ostree");
        using var tmp = new TempDirectory();
        var tree = Directory.CreateDirectory(tmp.Combine("tree", "usr", "bin")).FullName;
        File.WriteAllText(Path.Combine(tree, "hello"), "#!/bin/sh\necho hello\n");
        var repo = tmp.Combine("repo");
        var result = SampleTools.RunScript("New-OstreeCommit.ps1", "-Repo", repo, "-Branch", "demo/x86_64", "-Tree", tmp.Combine("tree"));
        Assert.True(result.ExitCode == 0, result.StandardError + result.StandardOutput);
        var checksum = result.StandardOutput.Trim();
        Assert.Equal(checksum, ExternalTool.Output("ostree", $"--repo={repo}", "rev-parse", "demo/x86_64").Trim());
        ExternalTool.Run("ostree", [$"--repo={repo}", "fsck"]).EnsureSuccess("ostree fsck");
        Assert.Contains("/usr/bin/hello", ExternalTool.Output("ostree", $"--repo={repo}", "ls", "-R", "demo/x86_64"), StringComparison.Ordinal);
    }
}
