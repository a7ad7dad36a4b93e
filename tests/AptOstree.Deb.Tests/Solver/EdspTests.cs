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
    public void EdspSolver_ScenarioDumpedByApt_InstallsExactlyWhatAptsSolverInstalls(string package)
    {
        ExternalTool.Require("apt-get", "/usr/lib/apt/solvers/apt");
        using var dir = new TempDirectory();
        string status = dir.Combine("status");
        File.WriteAllText(status, string.Empty);
        string dump = dir.Combine("scenario.edsp");
        ExternalTool.Run("apt-get", ["-s", "-q", "--solver", "dump", .. HostAptLists.AptGetOptions, "-o", "Dir::State::status=" + status, "-o", "Debug::NoLocking=1", "-o", "APT::Solver::RunAsUser=root", "install", package],
            environment: new Dictionary<string, string> { ["APT_EDSP_DUMP_FILENAME"] = dump });
        Skip.If(!File.Exists(dump), "apt-get --solver dump did not write a scenario.");
        var apt = ExternalTool.Run("/usr/lib/apt/solvers/apt", [], standardInput: File.ReadAllText(dump));
        var aptInstalls = InstallIds(apt.StandardOutput);

        using var input = File.OpenRead(dump);
        using var answer = new MemoryStream();
        EdspSolver.Run(input, answer);
        string text = System.Text.Encoding.UTF8.GetString(answer.ToArray());
        Assert.DoesNotContain("Error:", text, StringComparison.Ordinal);
        var ours = InstallIds(text);
        output.WriteLine($"{package}: apt's classic EDSP solver {aptInstalls.Count} installs, ours {ours.Count}");
        Assert.NotEmpty(aptInstalls);
        var names = ScenarioNames(File.ReadAllText(dump));
        Assert.Equal(aptInstalls.Select(id => names[id]).Order(StringComparer.Ordinal), ours.Select(id => names[id]).Order(StringComparer.Ordinal));
        Assert.Equal(aptInstalls, ours);
    }

    [SkippableFact]
    public void AptGetSolverOption_WrapperRunningTheCliExecutable_InstallsWhatAptsInternalSolverInstalls()
    {
        ExternalTool.Require("apt-get");
        string? cli = FindCli();
        Skip.If(cli is null, "The apt-ostree CLI is not built (build samples/AptOstree.Cli or set APTOSTREE_CLI to apt-ostree.dll).");
        string published = Path.GetDirectoryName(cli)!;
        string wrapper = Path.Combine(published, "solvers", "apt-ostree");
        Assert.True(File.Exists(wrapper), $"the CLI's output has no {wrapper}");
        Assert.True(File.Exists(Path.Combine(published, "apt-ostree")), "the CLI's output has no apt-ostree executable");

        // Installed as apt expects it: a solver named apt-ostree in Dir::Bin::Solvers, here a symlink to the
        // wrapper the CLI ships, which runs the executable beside it (not `dotnet apt-ostree.dll`).
        using var dir = new TempDirectory();
        string solvers = dir.Combine("solvers");
        Directory.CreateDirectory(solvers);
        File.CreateSymbolicLink(Path.Combine(solvers, "apt-ostree"), wrapper);
        string status = dir.Combine("status");
        File.WriteAllText(status, string.Empty);
        string[] common = ["-s", "-q", .. HostAptLists.AptGetOptions, "-o", "Dir::State::status=" + status, "-o", "Debug::NoLocking=1", "-o", "APT::Solver::RunAsUser=root", "-o", "Dir::Bin::Solvers::=" + solvers];
        var internalRun = ExternalTool.Run("apt-get", [.. common, "install", "vim-nox"]);
        var aptInst = InstLines(internalRun.StandardOutput);
        Assert.NotEmpty(aptInst);

        // No APT_OSTREE_CLI: the wrapper finds the executable beside its folder (where `dotnet apt-ostree.dll` is not).
        var environments = new List<Dictionary<string, string>> { new() { ["APT_OSTREE_CLI"] = string.Empty } };
        string native = Path.Combine(SampleRoot(cli), "artifacts", "cli", "apt-ostree");
        if (File.Exists(native))
        {
            // eng/build.sh's Native AOT (or ReadyToRun) publish, when it is there.
            environments.Add(new() { ["APT_OSTREE_CLI"] = native });
        }

        foreach (var environment in environments)
        {
            var ours = ExternalTool.Run("apt-get", [.. common, "--solver", "apt-ostree", "install", "vim-nox"], environment: environment);
            output.WriteLine(ours.StandardError);
            Assert.True(ours.ExitCode == 0, ours.StandardOutput + ours.StandardError);
            Assert.Equal(aptInst, InstLines(ours.StandardOutput));
        }
    }

    private static List<string> InstLines(string simulation) =>
        simulation.Split('\n').Where(l => l.StartsWith("Inst ", StringComparison.Ordinal)).Select(l => l.Split(' ')[1]).Order(StringComparer.Ordinal).ToList();

    private static SortedSet<string> InstallIds(string answer) =>
        new(answer.Split('\n').Where(l => l.StartsWith("Install:", StringComparison.Ordinal)).Select(l => l["Install:".Length..].Trim()), StringComparer.Ordinal);

    /// <summary>APT-ID → "name:arch version" of every version in a scenario.</summary>
    private static Dictionary<string, string> ScenarioNames(string scenario)
    {
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var stanza in scenario.Split("\n\n"))
        {
            string? Field(string name) => stanza.Split('\n').FirstOrDefault(l => l.StartsWith(name + ": ", StringComparison.Ordinal))?[(name.Length + 2)..];
            if (Field("APT-ID") is { } id && Field("Package") is { } package)
            {
                names[id] = $"{package}:{Field("Architecture")} {Field("Version")}";
            }
        }

        return names;
    }

    private static string SampleRoot(string cli)
    {
        var dir = new DirectoryInfo(Path.GetDirectoryName(cli)!);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Directory.Packages.props")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? "/";
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
