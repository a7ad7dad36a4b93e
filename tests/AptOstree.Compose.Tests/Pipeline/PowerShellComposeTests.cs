using AptOstree.OSTree;
using AptOstree.Testing;

namespace AptOstree.Compose.Tests.Pipeline;

/// <summary>
/// <c>samples/powershell/Invoke-TreeCompose.ps1</c> in pwsh 7.6 over this build's assemblies: it composes a minbase
/// treefile (a ref of its own in the minbase fixture's repository, reusing its imports and pinned lists) and prints the
/// package list and the commit, which the library's own compose of the same packages agrees with.
/// </summary>
[Collection(nameof(MinbaseComposeCollection))]
public sealed class PowerShellComposeTests(MinbaseComposeFixture fixture)
{
    [SkippableFact]
    public void InvokeTreeCompose_MinbaseTreefile_PrintsThePackageListAndTheCommit()
    {
        Skip.If(fixture.SkipReason is not null, fixture.SkipReason);
        if (fixture.Failure is { } failure)
        {
            throw new InvalidOperationException("The minbase compose failed: " + failure, failure);
        }

        string root = RepositoryRoot();
        string? pwsh = File.Exists(Path.Combine(root, "artifacts", "tools", "pwsh")) ? Path.Combine(root, "artifacts", "tools", "pwsh") : ExternalTool.Find("pwsh");
        Skip.If(pwsh is null, "pwsh (PowerShell 7.6) is not installed; eng/install-deps.sh installs it into artifacts/tools.");
        using var temp = new TempDirectory("aptostree-pwsh-compose-");
        const string Ref = "test/powershell/minbase";
        File.WriteAllText(temp.Combine("minbase.yaml"), MinbaseComposeFixture.TreefileText.Replace("debian/12/x86_64/minbase", Ref, StringComparison.Ordinal));

        var run = ExternalTool.Run(pwsh!, ["-NoProfile", "-NonInteractive", "-File", Path.Combine(root, "samples", "powershell", "Invoke-TreeCompose.ps1"),
            "-AssemblyDirectory", AppContext.BaseDirectory, "-Treefile", temp.Combine("minbase.yaml"), "-Repo", fixture.RepositoryPath,
            "-CacheDirectory", fixture.CacheDirectory, "-ListsDirectory", fixture.ListsDirectory], timeout: TimeSpan.FromMinutes(30));

        Assert.True(run.ExitCode == 0, run.StandardError + run.StandardOutput);
        var lines = run.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(fixture.First.Packages.Select(p => $"{p.Name} {p.Version} {p.Architecture}"), lines[..^1]);
        var commit = OstreeRepository.Open(fixture.RepositoryPath).Refs.TryResolve(Ref);
        Assert.NotNull(commit);
        Assert.Matches($"^{Ref.Replace("/", "\\/", StringComparison.Ordinal)} (unchanged )?=> {commit}$", lines[^1]);
        Assert.Contains("dpkg " + fixture.First.Packages.Single(p => p.Name == "dpkg").Version + " amd64", lines);
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "AptOstree.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No AptOstree.sln above {AppContext.BaseDirectory}.");
    }
}
