using System.Diagnostics;
using System.Text;
using AptOstree.Testing;

namespace AptOstree.Samples.Tests.Cli;

/// <summary>Ctrl-C or SIGTERM during `apt-ostree ostree commit` stops it cleanly: nothing moved, staging removed, exit 130/143.</summary>
public sealed class OstreeCommitSignalTests
{
    [Theory]
    [InlineData("INT", 130)]
    [InlineData("TERM", 143)]
    public void Commit_SignalDuringImport_NothingMovedStagingRemovedExitCode(string signal, int exitCode)
    {
        using var tmp = new TempDirectory();
        var repo = tmp.Combine("repo");
        Assert.Equal(0, SampleTools.AptOstree("ostree", "init", "--repo=" + repo, "--mode=archive").ExitCode);
        var tar = tmp.Combine("big.tar");
        WriteSparseTar(tar, 8L << 30);

        var psi = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "apt-ostree.dll"), "ostree", "commit", "--repo=" + repo, "-b", "k", "--tree=tar=" + tar])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        using var process = Process.Start(psi)!;
        var staging = Stopwatch.StartNew();
        while (!Directory.EnumerateDirectories(Path.Combine(repo, "tmp")).Any() && !process.HasExited && staging.Elapsed < TimeSpan.FromMinutes(2))
        {
            Thread.Sleep(20);
        }

        if (process.HasExited)
        {
            Assert.Fail("the commit ended before it could be interrupted: " + process.StandardError.ReadToEnd());
        }

        Thread.Sleep(300);
        var kill = ExternalTool.Run("kill", ["-" + signal, process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        Assert.True(kill.ExitCode == 0, "kill: " + kill.StandardError);
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(1)), "the commit did not stop after the signal");

        var stderr = process.StandardError.ReadToEnd();
        Assert.True(exitCode == process.ExitCode, $"exit {process.ExitCode}: {stderr}");
        Assert.Contains("interrupted", stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(repo, "refs", "heads", "k")));
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(repo, "tmp")));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(repo, "objects"), "*", SearchOption.AllDirectories));
    }

    /// <summary>A tar holding one file of <paramref name="size"/> zero bytes, written as a sparse file (a header and a hole).</summary>
    private static void WriteSparseTar(string path, long size)
    {
        var header = new byte[512];
        Encoding.ASCII.GetBytes("big").CopyTo(header, 0);
        Encoding.ASCII.GetBytes("0000644\0").CopyTo(header, 100);
        Encoding.ASCII.GetBytes("0000000\0").CopyTo(header, 108);
        Encoding.ASCII.GetBytes("0000000\0").CopyTo(header, 116);
        Encoding.ASCII.GetBytes(Convert.ToString(size, 8).PadLeft(11, '0') + "\0").CopyTo(header, 124);
        Encoding.ASCII.GetBytes("00000000000\0").CopyTo(header, 136);
        header[156] = (byte)'0';
        Encoding.ASCII.GetBytes("ustar\000").CopyTo(header, 257);
        Encoding.ASCII.GetBytes("        ").CopyTo(header, 148);
        var sum = header.Sum(b => b);
        Encoding.ASCII.GetBytes(Convert.ToString(sum, 8).PadLeft(6, '0') + "\0 ").CopyTo(header, 148);
        using var file = File.Create(path);
        file.Write(header);
        file.SetLength(512 + size + 1024);
    }
}
