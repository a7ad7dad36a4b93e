using AptOstree.Testing;

namespace AptOstree.Samples.Tests.Cli;

/// <summary>`-v` adds the console logger to the CLI's container: the SDK's log events reach stderr, and only then.</summary>
public class CliVerboseLoggingTests
{
    [SkippableFact]
    public void PullLocal_WithAndWithoutVerbose_LogEventsOnlyWithVerboseAndOnStderr()
    {
        ExternalTool.Require("ostree");
        using var tmp = new TempDirectory();
        Directory.CreateDirectory(tmp.Combine("tree", "etc"));
        File.WriteAllText(tmp.Combine("tree", "etc", "motd"), "hello\n");
        string source = tmp.Combine("source");
        ExternalTool.Output("ostree", "init", "--repo=" + source, "--mode=archive");
        string commit = ExternalTool.Output("ostree", "commit", "--repo=" + source, "-b", "main", tmp.Combine("tree")).Trim();

        foreach (bool verbose in new[] { false, true })
        {
            string repo = tmp.Combine(verbose ? "verbose" : "quiet");
            SampleTools.AptOstree("ostree", "init", "--repo=" + repo, "--mode=bare-user").EnsureSuccess("init");
            string[] args = ["ostree", "pull-local", "--repo=" + repo, source, "main"];
            var result = SampleTools.AptOstree(verbose ? ["-v", .. args] : args).EnsureSuccess("pull-local");

            // The SDK logs the pull under its category, with the commit; stdout stays the verb's output alone.
            bool logged = result.StandardError.Contains("AptOstree.OSTree.OstreeRepository", StringComparison.Ordinal)
                && result.StandardError.Contains("Pulled " + commit, StringComparison.Ordinal);
            Assert.True(logged == verbose, $"verbose={verbose}: {result.StandardError}");
            Assert.DoesNotContain("AptOstree.OSTree", result.StandardOutput, StringComparison.Ordinal);
            Assert.Equal(commit, ExternalTool.Output("ostree", "rev-parse", "--repo=" + repo, "main").Trim());
        }
    }

    [Fact]
    public void Error_WithVerbose_AddsTheExceptionDetailsAfterTheErrorLine()
    {
        using var tmp = new TempDirectory();
        var quiet = SampleTools.AptOstree("ostree", "refs", "--repo=" + tmp.Path);
        var verbose = SampleTools.AptOstree("-v", "ostree", "refs", "--repo=" + tmp.Path);
        Assert.Equal(2, quiet.ExitCode);
        Assert.Equal(2, verbose.ExitCode);
        Assert.DoesNotContain("   at ", quiet.StandardError, StringComparison.Ordinal);
        Assert.StartsWith(quiet.StandardError.Split('\n')[0] + "\n", verbose.StandardError, StringComparison.Ordinal);
        Assert.Contains("   at AptOstree.OSTree.OstreeRepository.Open", verbose.StandardError, StringComparison.Ordinal);
    }
}
