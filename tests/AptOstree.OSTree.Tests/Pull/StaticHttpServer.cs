using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace AptOstree.OSTree.Tests.Pull;

/// <summary><c>python3 -m http.server</c> on a loopback port it picks itself, serving a directory.</summary>
internal sealed partial class StaticHttpServer : IDisposable
{
    /// <summary>Python's start-up on a loaded CI machine (test projects and their tools run in parallel) can take seconds.</summary>
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(2);

    private readonly Process _process;
    private readonly StringBuilder _stderr = new();

    public StaticHttpServer(string directory)
    {
        // Port 0: the server binds a free port itself and prints it. Probing a free port first and handing it over
        // would leave a window in which another process (another test project's server) could take that port.
        var psi = new ProcessStartInfo("python3", ["-u", "-m", "http.server", "0", "--bind", "127.0.0.1", "--directory", directory])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        var serving = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        _process = new Process { StartInfo = psi, EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null && ServingLine().Match(e.Data) is { Success: true } m)
            {
                serving.TrySetResult(int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));
            }
        };
        _process.ErrorDataReceived += (_, e) =>
        {
            lock (_stderr)
            {
                _stderr.AppendLine(e.Data);
            }
        };
        _process.Exited += (_, _) => serving.TrySetException(new InvalidOperationException($"http.server exited {_process.ExitCode}: {Stderr}"));
        _process.Start();
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
        try
        {
            if (Task.WhenAny(serving.Task, Task.Delay(StartTimeout)).GetAwaiter().GetResult() != serving.Task)
            {
                throw new TimeoutException($"http.server did not start within {StartTimeout}: {Stderr}");
            }

            Url = $"http://127.0.0.1:{serving.Task.GetAwaiter().GetResult()}/";
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public string Url { get; }

    private string Stderr
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    public void Dispose()
    {
        try
        {
            _process.Kill();
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }

        _process.WaitForExit();
        _process.Dispose();
    }

    [GeneratedRegex(@"^Serving HTTP on \S+ port (\d+) ")]
    private static partial Regex ServingLine();
}
