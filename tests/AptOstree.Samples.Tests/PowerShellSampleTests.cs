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

    [SkippableFact]
    public void ExpandDebPackage_ProgressMonitorEvents_SessionSurvivesAndTreeMatchesDpkgDeb()
    {
        ExternalTool.Require("dpkg-deb");
        var deb = RealDebs.Get("hello");
        using var tmp = new TempDirectory();
        var result = SampleTools.RunScript("Expand-DebPackage.ps1", "-Path", deb, "-Destination", tmp.Combine("ours"));
        Assert.True(result.ExitCode == 0, result.StandardError + result.StandardOutput);

        // Every report reached the -Action block on the session's thread, the last one at its total (the data member's size).
        var summary = System.Text.RegularExpressions.Regex.Match(result.StandardOutput, @"(\d+) files, (\d+) bytes; (\d+) progress reports, the last at (\d+) of (\d+) Bytes");
        Assert.True(summary.Success, result.StandardOutput);
        Assert.True(long.Parse(summary.Groups[3].Value) > 0, result.StandardOutput);
        Assert.Equal(summary.Groups[5].Value, summary.Groups[4].Value);

        ExternalTool.Output("dpkg-deb", "-x", deb, tmp.Combine("theirs"));
        var theirs = Directory.EnumerateFileSystemEntries(tmp.Combine("theirs"), "*", SearchOption.AllDirectories).Select(p => Path.GetRelativePath(tmp.Combine("theirs"), p)).Order(StringComparer.Ordinal).ToList();
        var ours = Directory.EnumerateFileSystemEntries(tmp.Combine("ours"), "*", SearchOption.AllDirectories).Select(p => Path.GetRelativePath(tmp.Combine("ours"), p)).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(theirs, ours);
        Assert.Equal(File.ReadAllBytes(tmp.Combine("theirs", "usr", "bin", "hello")), File.ReadAllBytes(tmp.Combine("ours", "usr", "bin", "hello")));
        Assert.Equal(theirs.Count(p => File.Exists(Path.Combine(tmp.Combine("theirs"), p)) && !new FileInfo(Path.Combine(tmp.Combine("theirs"), p)).Attributes.HasFlag(FileAttributes.ReparsePoint)).ToString(System.Globalization.CultureInfo.InvariantCulture), summary.Groups[1].Value);
    }

    [SkippableFact]
    public void CopyOstreeCommit_PollingAProgressMonitor_PullsTheCommitOstreeMade()
    {
        ExternalTool.Require("ostree");
        using var tmp = new TempDirectory();
        Directory.CreateDirectory(tmp.Combine("tree", "usr", "lib"));
        for (int i = 0; i < 200; i++)
        {
            File.WriteAllText(tmp.Combine("tree", "usr", "lib", $"f{i}"), $"content {i}\n");
        }

        string source = tmp.Combine("source");
        string repo = tmp.Combine("repo");
        ExternalTool.Output("ostree", "init", "--repo=" + source, "--mode=archive");
        string commit = ExternalTool.Output("ostree", "commit", "--repo=" + source, "-b", "os/main", tmp.Combine("tree")).Trim();
        ExternalTool.Output("ostree", "init", "--repo=" + repo, "--mode=bare-user");

        // PullLocalAsync reports from thread-pool threads: a scriptblock IProgress would end the session here.
        var result = SampleTools.RunScript("Copy-OstreeCommit.ps1", "-Source", source, "-Repo", repo, "-Ref", "os/main", "-Verbose");
        Assert.True(result.ExitCode == 0, result.StandardError + result.StandardOutput);
        Assert.Equal(commit, result.StandardOutput.Trim().Split('\n')[^1].Trim());
        Assert.Matches(@"VERBOSE: [1-9]\d* progress reports", result.StandardOutput + result.StandardError);
        Assert.Equal(commit, ExternalTool.Output("ostree", "rev-parse", "--repo=" + repo, "os/main").Trim());
        ExternalTool.Run("ostree", ["fsck", "--repo=" + repo]).EnsureSuccess("ostree fsck");
    }

    [SkippableFact]
    public void OptionalStrings_PowerShellNull_MeansNone()
    {
        SampleTools.PowerShell();
        using var tmp = new TempDirectory();
        Directory.CreateDirectory(tmp.Combine("lists"));
        File.WriteAllText(
            tmp.Combine("lists", "local_dists_demo_main_binary-all_Packages"),
            "Package: demo\nVersion: 1.0\nArchitecture: all\nMaintainer: Test <test@example.org>\nDescription: demo\nFilename: pool/demo_1.0_all.deb\nSize: 1\n\n");
        File.WriteAllText(tmp.Combine("not-a-deb"), "plain text\n");

        // PowerShell passes "" for $null string arguments: an empty source name, status file and architecture mean none.
        var result = SampleTools.RunInlineScript(tmp.Path, $$"""
            $s = [IO.File]::OpenRead('{{tmp.Combine("not-a-deb")}}')
            try { [AptOstree.Deb.DebPackage]::Open($s, $false, $null, $null, $null) } catch { "open: " + $_.Exception.InnerException.Message }
            $u = [AptOstree.Deb.Apt.AptListsDirectory]::LoadUniverse('{{tmp.Combine("lists")}}', $null, $null, $null, $null)
            "universe: $($u.Packages.Count) packages, $(@($u.Packages | Where-Object { $_.IsInstalled }).Count) installed"
            """);
        Assert.True(result.ExitCode == 0, result.StandardError + result.StandardOutput);
        Assert.Contains("open: <stream>: not an ar archive", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("universe: 1 packages, 0 installed", result.StandardOutput, StringComparison.Ordinal);
    }
}
