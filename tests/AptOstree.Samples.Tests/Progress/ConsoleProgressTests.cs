using AptOstree.Cli.Progress;
using AptOstree.Testing;

namespace AptOstree.Samples.Tests.Progress;

/// <summary>The CLI's progress renderer: redrawn in place on a terminal, plain lines into files, one summary at the end.</summary>
public class ConsoleProgressTests
{
    [Fact]
    public void Report_OnATerminal_RedrawsOneLineWithABarThenClearsItForTheSummary()
    {
        var clock = new ManualClock();
        var output = new StringWriter();
        var progress = new ConsoleProgress(output, interactive: true, width: 80, clock);
        progress.Report(new OperationProgress("download", 0, 2_000_000, ProgressUnit.Bytes, "hello"));
        clock.Advance(TimeSpan.FromMilliseconds(150));
        progress.Report(new OperationProgress("download", 1_000_000, 2_000_000, ProgressUnit.Bytes, "hello"));
        clock.Advance(TimeSpan.FromMilliseconds(10));
        progress.Report(new OperationProgress("download", 1_500_000, 2_000_000, ProgressUnit.Bytes, "hello")); // within 100 ms: not drawn
        progress.Report(new OperationProgress("download", 2_000_000, 2_000_000, ProgressUnit.Bytes, "hello")); // the end: always drawn
        progress.Complete(progress.Summary("download", ProgressUnit.Bytes));

        string text = output.ToString();
        // Each frame is padded with spaces over what the previous, longer one left on the line.
        var frames = text.Split('\r', StringSplitOptions.RemoveEmptyEntries).Select(f => f.TrimEnd(' ')).ToArray();
        Assert.Equal("Downloading:   0% [                    ] (0 bytes/2.0\u00a0MB) hello", frames[0]);
        Assert.Equal("Downloading:  50% [##########          ] (1.0\u00a0MB/2.0\u00a0MB) hello", frames[1]);
        Assert.Equal("Downloading: 100% [####################] (2.0\u00a0MB/2.0\u00a0MB) hello", frames[2]);
        Assert.DoesNotContain("1.5\u00a0MB", text, StringComparison.Ordinal);
        Assert.EndsWith(new string(' ', frames[2].Length) + "\rDownloading: 2.0\u00a0MB, done in 0.2 s." + Environment.NewLine, text, StringComparison.Ordinal);
        Assert.All(frames, f => Assert.True(f.TrimEnd('\n').Length < 80, f));
    }

    [Fact]
    public void Report_LongerThanTheTerminal_IsCutToOneLine()
    {
        var output = new StringWriter();
        var progress = new ConsoleProgress(output, interactive: true, width: 40, new ManualClock());
        progress.Report(new OperationProgress("checkout", 5, 10, ProgressUnit.Files, "/usr/share/doc/a-very-long-package-name/changelog.Debian.gz"));
        var frame = output.ToString().TrimStart('\r');
        Assert.Equal(39, frame.Length);
        Assert.EndsWith("…", frame, StringComparison.Ordinal);
    }

    [Fact]
    public void Report_IntoAFile_WritesPlainLinesOnlyForLongWork()
    {
        var clock = new ManualClock();
        var output = new StringWriter();
        var progress = new ConsoleProgress(output, interactive: false, time: clock);
        for (int i = 1; i <= 100; i++)
        {
            progress.Report(new OperationProgress("pull", i, null, ProgressUnit.Objects, "object " + i));
            clock.Advance(TimeSpan.FromMilliseconds(100));   // 10 s in all: a line after 2 s, then one every 5 s
        }

        progress.Complete(progress.Summary("pull", ProgressUnit.Objects));
        Assert.Equal(
            "Receiving objects: 21 objects\nReceiving objects: 71 objects\nReceiving objects: 100 objects, done in 10.0 s.\n",
            output.ToString().Replace(Environment.NewLine, "\n", StringComparison.Ordinal));
    }

    [Fact]
    public void Summary_WithoutReports_CountsZero()
    {
        var progress = new ConsoleProgress(new StringWriter(), interactive: false, time: new ManualClock());
        Assert.Equal("Receiving objects: 0 objects, done in 0.0 s.", progress.Summary("pull", ProgressUnit.Objects));
    }

    [Theory]
    [InlineData(0, "0 bytes")]
    [InlineData(999, "999 bytes")]
    [InlineData(1000, "1.0\u00a0kB")]
    [InlineData(100_000, "100.0\u00a0kB")]
    [InlineData(1_234_567, "1.2\u00a0MB")]
    [InlineData(5_000_000_000, "5.0\u00a0GB")]
    public void FormatSize_LikeGLibFormatSize_DecimalUnitsWithANoBreakSpace(long bytes, string expected) =>
        Assert.Equal(expected, ConsoleProgress.FormatSize(bytes));

    [SkippableFact]
    public void PullLocal_OnATerminalAndIntoAPipe_ProgressOnlyRedrawsOnTheTerminal()
    {
        ExternalTool.Require("ostree");
        using var tmp = new TempDirectory();
        Directory.CreateDirectory(tmp.Combine("tree"));
        for (int i = 0; i < 50; i++)
        {
            File.WriteAllText(tmp.Combine("tree", $"f{i}"), $"file {i}\n");
        }

        string source = tmp.Combine("source");
        ExternalTool.Output("ostree", "init", "--repo=" + source, "--mode=archive");
        ExternalTool.Output("ostree", "commit", "--repo=" + source, "-b", "main", tmp.Combine("tree"));
        foreach (var name in new[] { "pipe", "terminal" })
        {
            ExternalTool.Output("ostree", "init", "--repo=" + tmp.Combine(name), "--mode=bare-user");
        }

        var piped = SampleTools.AptOstree("ostree", "pull-local", "--repo=" + tmp.Combine("pipe"), source, "main").EnsureSuccess("pull-local");
        Assert.DoesNotContain('\r', piped.StandardError);
        Assert.Matches(@"(^|\n)Receiving objects: 5\d objects, done in \d+\.\d s\.\n$", piped.StandardError);

        var terminal = SampleTools.AptOstreeOnTerminal("ostree", "pull-local", "--repo=" + tmp.Combine("terminal"), source, "main");
        Assert.True(terminal.ExitCode == 0, terminal.StandardOutput);
        Assert.Contains("\rReceiving objects: ", terminal.StandardOutput, StringComparison.Ordinal);
        Assert.Matches(@"\rReceiving objects: 5\d objects, done in \d+\.\d s\.\r?\n", terminal.StandardOutput);
        Assert.Equal(
            ExternalTool.Output("ostree", "rev-parse", "--repo=" + source, "main"),
            ExternalTool.Output("ostree", "rev-parse", "--repo=" + tmp.Combine("terminal"), "main"));
    }

    /// <summary>A clock the test moves by hand.</summary>
    private sealed class ManualClock : TimeProvider
    {
        private long _ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => _ticks;

        public void Advance(TimeSpan by) => _ticks += by.Ticks;
    }
}
