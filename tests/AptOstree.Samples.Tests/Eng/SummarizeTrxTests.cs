using AptOstree.Testing;

namespace AptOstree.Samples.Tests.Eng;

/// <summary>eng/summarize-trx.py: honest counts, and on CI a skip for a missing tool fails the run.</summary>
public class SummarizeTrxTests
{
    private const string Namespace = "http://microsoft.com/schemas/VisualStudio/TeamTest/2010";

    [SkippableTheory]
    [InlineData("false", "'ostree' is not installed; install it (eng/install-deps.sh does) to run this test.", 0, " (1 for a missing tool)")]
    [InlineData("true", "'ostree' is not installed; install it (eng/install-deps.sh does) to run this test.", 1, " (1 for a missing tool, which fails on CI)")]
    [InlineData("true", "/usr/libexec/installed-tests/libostree/admin-test.sh missing; install the ostree-tests package.", 1, " (1 for a missing tool, which fails on CI)")]
    [InlineData("true", "needs root", 0, "")]
    public void Summary_OneSkip_CountsItAndFailsOnCiOnlyForAMissingTool(string ci, string reason, int exitCode, string note)
    {
        ExternalTool.Require("python3");
        using var tmp = new TempDirectory();
        WriteTrx(tmp.Combine("a.trx"), ("A.Passes", "Passed", null), ("A.AlsoPasses", "Passed", null));
        WriteTrx(tmp.Combine("sub", "b.trx"), ("B.Skips", "NotExecuted", reason));
        var result = ExternalTool.Run("python3", [Path.Combine(SampleTools.RepositoryRoot, "eng", "summarize-trx.py"), tmp.Path], environment: new Dictionary<string, string> { ["CI"] = ci });
        Assert.Equal(exitCode, result.ExitCode);
        Assert.Equal($"skipped: B.Skips: {reason}\n2 passed, 0 failed, 1 skipped{note}\n", result.StandardOutput);
    }

    [SkippableFact]
    public void Summary_AFailure_FailsEverywhere()
    {
        ExternalTool.Require("python3");
        using var tmp = new TempDirectory();
        WriteTrx(tmp.Combine("a.trx"), ("A.Passes", "Passed", null), ("A.Fails", "Failed", null));
        var result = ExternalTool.Run("python3", [Path.Combine(SampleTools.RepositoryRoot, "eng", "summarize-trx.py"), tmp.Path], environment: new Dictionary<string, string> { ["CI"] = "false" });
        Assert.Equal(1, result.ExitCode);
        Assert.Equal("1 passed, 1 failed, 0 skipped\n", result.StandardOutput);
    }

    [Fact]
    public void CiRun_KeepsStrictSnapshotsAndFailsOnMissingTools()
    {
        string run = File.ReadAllText(Path.Combine(SampleTools.RepositoryRoot, ".ci", "run"));
        Assert.Contains("export SNAPSHOOTER_STRICT_MODE=true", run, StringComparison.Ordinal);
        Assert.Contains("export CI=true", run, StringComparison.Ordinal);
    }

    /// <summary>A TRX file as the VSTest logger writes it, with the results given (and a skip's reason in Output/ErrorInfo/Message).</summary>
    private static void WriteTrx(string path, params (string Name, string Outcome, string? Message)[] results)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var ns = System.Xml.Linq.XNamespace.Get(Namespace);
        var doc = new System.Xml.Linq.XElement(ns + "TestRun",
            new System.Xml.Linq.XElement(ns + "Results", results.Select(r =>
                new System.Xml.Linq.XElement(ns + "UnitTestResult",
                    new System.Xml.Linq.XAttribute("testName", r.Name),
                    new System.Xml.Linq.XAttribute("outcome", r.Outcome),
                    r.Message is null ? null : new System.Xml.Linq.XElement(ns + "Output", new System.Xml.Linq.XElement(ns + "ErrorInfo", new System.Xml.Linq.XElement(ns + "Message", r.Message)))))));
        doc.Save(path);
    }
}
