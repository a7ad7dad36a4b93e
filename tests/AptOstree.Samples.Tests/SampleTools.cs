using AptOstree.Testing;

namespace AptOstree.Samples.Tests;

/// <summary>Locates and runs the sample programs: the apt-ostree CLI and pwsh.</summary>
internal static class SampleTools
{
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    public static string PowerShellScripts => Path.Combine(RepositoryRoot, "samples", "powershell");

    /// <summary>The test's output folder holds every SDK assembly with its dependencies beside it.</summary>
    public static string AssemblyDirectory => AppContext.BaseDirectory;

    public static ToolResult AptOstree(params string[] arguments) =>
        ExternalTool.Run("dotnet", [Path.Combine(AppContext.BaseDirectory, "apt-ostree.dll"), .. arguments]);

    /// <summary>Runs the CLI in <paramref name="workingDirectory"/> with extra environment variables.</summary>
    public static ToolResult AptOstreeIn(string workingDirectory, IDictionary<string, string> environment, params string[] arguments) =>
        ExternalTool.Run("dotnet", [Path.Combine(AppContext.BaseDirectory, "apt-ostree.dll"), .. arguments], workingDirectory, environment: environment);

    /// <summary>
    /// Runs the CLI on a pseudo-terminal (util-linux <c>script</c>), as a user at a terminal sees it; stdout and stderr
    /// arrive merged in <see cref="ToolResult.StandardOutput"/>.
    /// </summary>
    public static ToolResult AptOstreeOnTerminal(params string[] arguments)
    {
        ExternalTool.Require("script");
        string command = string.Join(' ', new[] { "dotnet", Path.Combine(AppContext.BaseDirectory, "apt-ostree.dll") }.Concat(arguments).Select(ShellQuote));
        return ExternalTool.Run("script", ["-qefc", command, "/dev/null"], environment: new Dictionary<string, string> { ["COLUMNS"] = "100", ["TERM"] = "dumb" });
    }

    private static string ShellQuote(string s) => "'" + s.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    /// <summary>pwsh from PATH or from the tool folder eng/install-deps.sh installs it into; skips the test when absent.</summary>
    public static string PowerShell()
    {
        var local = Path.Combine(RepositoryRoot, "artifacts", "tools", "pwsh");
        var pwsh = File.Exists(local) ? local : ExternalTool.Find("pwsh");
        Skip.If(pwsh is null, "pwsh (PowerShell 7.6) is not installed; eng/install-deps.sh installs it into artifacts/tools.");
        return pwsh!;
    }

    public static ToolResult RunScript(string script, params string[] arguments) =>
        ExternalTool.Run(PowerShell(), ["-NoProfile", "-NonInteractive", "-File", Path.Combine(PowerShellScripts, script), "-AssemblyDirectory", AssemblyDirectory, .. arguments]);

    /// <summary>Runs a script text in pwsh with the SDK imported (as the samples import it); <paramref name="directory"/> holds the script file.</summary>
    public static ToolResult RunInlineScript(string directory, string script)
    {
        string path = Path.Combine(directory, "inline.ps1");
        File.WriteAllText(path, $"$ErrorActionPreference = 'Stop'\n. '{Path.Combine(PowerShellScripts, "Import-AptOstree.ps1")}' -AssemblyDirectory '{AssemblyDirectory}'\n{script}\n");
        return ExternalTool.Run(PowerShell(), ["-NoProfile", "-NonInteractive", "-File", path]);
    }

    private static string FindRepositoryRoot() =>
        typeof(SampleTools).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
            .Cast<System.Reflection.AssemblyMetadataAttribute>()
            .Single(a => a.Key == "RepositoryRoot").Value!;
}
