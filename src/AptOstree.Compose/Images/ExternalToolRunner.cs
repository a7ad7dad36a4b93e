using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.Logging;

namespace AptOstree.Compose.Images;

/// <summary>
/// Runs the external tools of image building (<c>sfdisk</c>, <c>mkfs.ext4</c>, <c>mkfs.vfat</c>, <c>mcopy</c>,
/// <c>grub-mkstandalone</c>, …): a missing tool or a non-zero exit becomes an <see cref="AptOstreeException"/>
/// naming the command and quoting the end of its output; cancellation kills the tool's process tree.
/// </summary>
internal sealed class ExternalToolRunner
{
    private const int OutputTailLength = 4000;
    private readonly ILogger _logger;

    public ExternalToolRunner(ILogger logger)
    {
        _logger = logger;
    }

    /// <summary>Full path of <paramref name="tool"/> on PATH (also <c>/usr/sbin</c> and <c>/sbin</c>), or null.</summary>
    public static string? Find(string tool)
    {
        if (tool.Contains('/', StringComparison.Ordinal))
        {
            return File.Exists(tool) ? tool : null;
        }

        var dirs = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Concat(["/usr/sbin", "/sbin", "/usr/bin", "/bin"]);
        return dirs.Select(d => Path.Combine(d, tool)).FirstOrDefault(File.Exists);
    }

    /// <summary>Throws <see cref="ComposeErrorCodes.ImageToolMissing"/> for the first tool that is not installed.</summary>
    public static void Require(IEnumerable<(string Tool, string Package)> tools)
    {
        foreach (var (tool, package) in tools)
        {
            if (Find(tool) is null)
            {
                throw new AptOstreeException(ComposeErrorCodes.ImageToolMissing, $"'{tool}' is not installed (Debian package '{package}'); it is needed to build a bootable disk image.");
            }
        }
    }

    /// <summary>Runs <paramref name="tool"/> to completion and returns its standard output.</summary>
    /// <exception cref="AptOstreeException">The tool is missing or exits non-zero.</exception>
    public async Task<string> RunAsync(string tool, IReadOnlyList<string> arguments, string? standardInput = null, IReadOnlyDictionary<string, string>? environment = null, CancellationToken cancellationToken = default)
    {
        string path = Find(tool) ?? throw new AptOstreeException(ComposeErrorCodes.ImageToolMissing, $"'{tool}' is not installed.");
        var psi = new ProcessStartInfo(path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            psi.ArgumentList.Add(argument);
        }

        psi.Environment["LC_ALL"] = "C.UTF-8";
        if (environment is not null)
        {
            foreach (var (key, value) in environment)
            {
                psi.Environment[key] = value;
            }
        }

        string commandLine = $"{tool} {string.Join(' ', arguments)}";
        ImageLog.RunningTool(_logger, commandLine);
        var started = Stopwatch.GetTimestamp();
        using var process = Process.Start(psi) ?? throw new AptOstreeException(ComposeErrorCodes.ImageToolFailed, $"Could not start '{commandLine}'.");
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        try
        {
            if (standardInput is not null)
            {
                await process.StandardInput.WriteAsync(standardInput.AsMemory(), cancellationToken).ConfigureAwait(false);
            }

            process.StandardInput.Close();
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        string output = await stdout.ConfigureAwait(false);
        string errors = await stderr.ConfigureAwait(false);
        double seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        ImageLog.ToolFinished(_logger, tool, process.ExitCode, seconds);
        if (process.ExitCode != 0)
        {
            var text = new StringBuilder(errors.Length + output.Length).Append(errors).Append(output).ToString().Trim();
            if (text.Length > OutputTailLength)
            {
                text = "…" + text[^OutputTailLength..];
            }

            throw new AptOstreeException(ComposeErrorCodes.ImageToolFailed, $"'{commandLine}' exited with status {process.ExitCode}: {text}");
        }

        return output;
    }
}
