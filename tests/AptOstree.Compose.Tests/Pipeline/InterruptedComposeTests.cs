using System.Diagnostics;
using System.Globalization;
using AptOstree.Compose.Tests.Scripts;
using AptOstree.OSTree;
using AptOstree.Testing;
using Xunit.Abstractions;

namespace AptOstree.Compose.Tests.Pipeline;

/// <summary>
/// Issue 12: <c>kill -9</c> in the middle of a compose (here while the maintainer scripts run) leaves the ref unchanged
/// and the repository clean for <c>ostree fsck</c>; the next run succeeds and imports nothing again.
/// </summary>
[Collection(nameof(MinbaseComposeCollection))]
public sealed class InterruptedComposeTests(MinbaseComposeFixture fixture, ITestOutputHelper output)
{
    [SkippableFact]
    public void Compose_KilledWhileConfiguring_RefUnchangedFsckCleanAndNextRunReusesImports()
    {
        Skip.If(fixture.SkipReason is not null, fixture.SkipReason);
        Assert.Null(fixture.Failure);
        ExternalTool.Require("dotnet", "ostree");
        using var dir = new TempDirectory();
        string treefile = dir.Combine("minbase.yaml");
        File.WriteAllText(treefile, MinbaseComposeFixture.TreefileText.Replace("debian/12/x86_64/minbase", "test/interrupted", StringComparison.Ordinal));
        string repo = dir.Combine("repo");
        string work = dir.Combine("work");
        string[] argv = SandboxProbe.Command("compose", treefile, fixture.ListsDirectory, fixture.CacheDirectory, repo, work, fixture.First.Lockfile.SourceDateEpoch.ToString(CultureInfo.InvariantCulture));

        // Killed once the scripts have started writing into the sandbox's upper directory.
        var psi = new ProcessStartInfo(argv[0]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in argv.Skip(1))
        {
            psi.ArgumentList.Add(a);
        }

        using (var compose = Process.Start(psi)!)
        {
            // The configure driver's timing log, in the sandbox's upper directory: non-empty once the first script ran.
            var scriptsWriting = new FileInfo(Path.Combine(work, "sandbox", "upper", "var", "log", "aptostree-configure.log"));
            var deadline = Stopwatch.StartNew();
            while (!Started(scriptsWriting) && !compose.HasExited && deadline.Elapsed < TimeSpan.FromMinutes(20))
            {
                Thread.Sleep(100);
            }

            if (compose.HasExited || !Started(scriptsWriting))
            {
                compose.Kill();
                Assert.Fail("the compose ended or never reached the scripts: " + compose.StandardOutput.ReadToEnd() + compose.StandardError.ReadToEnd());
            }

            compose.Kill(); // SIGKILL, the compose process alone: its sandbox dies with it (bubblewrap's --die-with-parent)
            Assert.True(compose.WaitForExit(TimeSpan.FromMinutes(1)), "the compose did not die");
        }

        var repository = OstreeRepository.Open(repo);
        Assert.Null(repository.Refs.TryResolve("test/interrupted"));
        Assert.NotEmpty(repository.Refs.List("aptostree/pkg"));
        var fsck = ExternalTool.Run("ostree", ["fsck", "--repo=" + repo], timeout: TimeSpan.FromMinutes(10));
        output.WriteLine(fsck.StandardOutput + fsck.StandardError);
        Assert.True(fsck.ExitCode == 0 && !(fsck.StandardOutput + fsck.StandardError).Contains("corrupt", StringComparison.OrdinalIgnoreCase), fsck.StandardOutput + fsck.StandardError);

        var rerun = ExternalTool.Run(argv[0], argv.Skip(1), timeout: TimeSpan.FromMinutes(30));
        output.WriteLine(rerun.StandardOutput + rerun.StandardError);
        Assert.True(rerun.ExitCode == 0, rerun.StandardOutput + rerun.StandardError);
        Assert.Contains("newly-imported 0\n", rerun.StandardOutput, StringComparison.Ordinal);
        Assert.NotNull(OstreeRepository.Open(repo).Refs.TryResolve("test/interrupted"));
    }

    private static bool Started(FileInfo log)
    {
        log.Refresh();
        return log.Exists && log.Length > 0;
    }
}
