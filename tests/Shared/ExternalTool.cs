using System.Diagnostics;

namespace AptOstree.Testing;

/// <summary>Result of running a real tool (the oracle) from a test.</summary>
public sealed record ToolResult(int ExitCode, string StandardOutput, string StandardError)
{
    /// <summary>Throws with the tool's stderr when it did not exit 0.</summary>
    public ToolResult EnsureSuccess(string what)
    {
        if (ExitCode != 0)
        {
            throw new InvalidOperationException($"{what} exited {ExitCode}: {StandardError}{StandardOutput}");
        }

        return this;
    }
}

/// <summary>Runs the real tools (ostree, dpkg-deb, dpkg, apt-get) that tests compare against.</summary>
public static class ExternalTool
{
    /// <summary>True when <paramref name="name"/> is on PATH (or is an existing absolute path).</summary>
    public static bool Exists(string name) => Find(name) is not null;

    /// <summary>Full path of a tool on PATH, or null.</summary>
    public static string? Find(string name)
    {
        if (name.Contains('/'))
        {
            return File.Exists(name) ? name : null;
        }

        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin").Split(':'))
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>Skips the current test, with the reason shown, when a tool is missing.</summary>
    public static void Require(params string[] names)
    {
        foreach (var name in names)
        {
            Skip.If(Find(name) is null, $"'{name}' is not installed; install it (eng/install-deps.sh does) to run this test.");
        }
    }

    /// <summary>Runs a tool to completion, capturing stdout and stderr as text.</summary>
    public static ToolResult Run(string fileName, IEnumerable<string> arguments, string? workingDirectory = null, string? standardInput = null, IDictionary<string, string>? environment = null, TimeSpan? timeout = null)
    {
        var psi = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = standardInput is not null,
            UseShellExecute = false,
        };
        foreach (var a in arguments)
        {
            psi.ArgumentList.Add(a);
        }

        if (workingDirectory is not null)
        {
            psi.WorkingDirectory = workingDirectory;
        }

        psi.Environment["LC_ALL"] = "C.UTF-8";
        if (environment is not null)
        {
            foreach (var (k, v) in environment)
            {
                psi.Environment[k] = v;
            }
        }

        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {fileName}");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (standardInput is not null)
        {
            p.StandardInput.Write(standardInput);
            p.StandardInput.Close();
        }

        if (!p.WaitForExit(timeout ?? TimeSpan.FromMinutes(10)))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', arguments)} did not finish in time");
        }

        return new ToolResult(p.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>Runs a tool and returns its stdout, failing the test when it exits non-zero.</summary>
    public static string Output(string fileName, params string[] arguments) =>
        Run(fileName, arguments).EnsureSuccess($"{fileName} {string.Join(' ', arguments)}").StandardOutput;
}
