using AptOstree.Deb.Solver;
using AptOstree.Testing;
using Xunit.Abstractions;

namespace AptOstree.Deb.Tests.Solver;

/// <summary>EDSP: apt's own scenario solved by us, and real apt running our solver as an external solver.</summary>
public sealed class EdspTests(ITestOutputHelper output)
{
    [SkippableTheory]
    [InlineData("vim-nox")]
    [InlineData("openssh-server")]
    public void Scenario_dumped_by_apt_is_solved_like_apt(string package)
    {
        ExternalTool.Require("apt-get", "/usr/lib/apt/solvers/apt");
        using var dir = new TempDirectory();
        string status = dir.Combine("status");
        File.WriteAllText(status, string.Empty);
        string dump = dir.Combine("scenario.edsp");
        ExternalTool.Run("apt-get", ["-s", "-q", "--solver", "dump", "-o", "Dir::State::status=" + status, "-o", "Debug::NoLocking=1", "-o", "APT::Solver::RunAsUser=root", "install", package],
            environment: new Dictionary<string, string> { ["APT_EDSP_DUMP_FILENAME"] = dump });
        Skip.If(!File.Exists(dump), "apt-get --solver dump did not write a scenario.");
        var apt = ExternalTool.Run("/usr/lib/apt/solvers/apt", [], standardInput: File.ReadAllText(dump));
        int aptInstalls = apt.StandardOutput.Split('\n').Count(l => l.StartsWith("Install:", StringComparison.Ordinal));

        using var input = File.OpenRead(dump);
        using var answer = new MemoryStream();
        EdspSolver.Run(input, answer);
        string text = System.Text.Encoding.UTF8.GetString(answer.ToArray());
        Assert.DoesNotContain("Error:", text, StringComparison.Ordinal);
        int ours = text.Split('\n').Count(l => l.StartsWith("Install:", StringComparison.Ordinal));
        output.WriteLine($"{package}: apt's classic EDSP solver {aptInstalls} installs, ours {ours}");
        Assert.True(aptInstalls > 0);
        Assert.InRange(ours, aptInstalls * 0.98, aptInstalls * 1.02);
    }

    [SkippableFact]
    public void Real_apt_accepts_our_solution_through_Dir_Bin_Solvers()
    {
        ExternalTool.Require("apt-get", "dotnet");
        string? cli = FindCli();
        Skip.If(cli is null, "The apt-ostree CLI is not built (build samples/AptOstree.Cli or set APTOSTREE_CLI to apt-ostree.dll).");
        using var dir = new TempDirectory();
        string solvers = dir.Combine("solvers");
        Directory.CreateDirectory(solvers);
        string wrapper = Path.Combine(solvers, "apt-ostree");
        File.WriteAllText(wrapper, $"#!/bin/sh\nexec dotnet '{cli}' apt edsp \"$@\"\n");
        ExternalTool.Output("chmod", "0755", wrapper);
        string status = dir.Combine("status");
        File.WriteAllText(status, string.Empty);
        string[] common = ["-s", "-q", "-o", "Dir::State::status=" + status, "-o", "Debug::NoLocking=1", "-o", "APT::Solver::RunAsUser=root", "-o", "Dir::Bin::Solvers::=" + solvers];
        var ours = ExternalTool.Run("apt-get", [.. common, "--solver", "apt-ostree", "install", "vim-nox"]);
        var internalRun = ExternalTool.Run("apt-get", [.. common, "install", "vim-nox"]);
        output.WriteLine(ours.StandardError);
        Assert.Equal(0, ours.ExitCode);
        var oursInst = ours.StandardOutput.Split('\n').Where(l => l.StartsWith("Inst ", StringComparison.Ordinal)).Select(l => l.Split(' ')[1]).Order().ToList();
        var aptInst = internalRun.StandardOutput.Split('\n').Where(l => l.StartsWith("Inst ", StringComparison.Ordinal)).Select(l => l.Split(' ')[1]).Order().ToList();
        Assert.NotEmpty(oursInst);
        Assert.Equal(aptInst, oursInst);
    }

    private static string? FindCli()
    {
        if (Environment.GetEnvironmentVariable("APTOSTREE_CLI") is { } env && File.Exists(env))
        {
            return env;
        }

        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Directory.Packages.props")))
        {
            dir = dir.Parent;
        }

        var roots = new List<string>();
        if (dir is not null)
        {
            roots.Add(Path.Combine(dir.FullName, "samples", "AptOstree.Cli", "bin"));
            roots.Add(Path.Combine(dir.FullName, "artifacts", "bin", "AptOstree.Cli"));
        }

        // Tests built with --artifacts-path put the CLI beside the test assembly's artifacts tree.
        var art = new DirectoryInfo(AppContext.BaseDirectory);
        while (art is not null && art.Name != "bin")
        {
            art = art.Parent;
        }

        if (art is not null)
        {
            roots.Add(Path.Combine(art.FullName, "AptOstree.Cli"));
        }

        return roots.Where(Directory.Exists)
            .SelectMany(r => Directory.EnumerateFiles(r, "apt-ostree.dll", SearchOption.AllDirectories))
            .OrderByDescending(File.GetLastWriteTimeUtc).FirstOrDefault();
    }
}
