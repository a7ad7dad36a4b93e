using System.Globalization;
using AptOstree.Posix;
using AptOstree.Testing;

namespace AptOstree.Compose.Tests.Scripts;

/// <summary>
/// The unprivileged user that rootless tests drop to with <c>runuser</c>: <c>aptostree-test</c>, with a subordinate
/// id range (eng/install-deps.sh creates it; a root test process creates it when missing).
/// </summary>
internal static class UnprivilegedTestUser
{
    public const string Name = "aptostree-test";

    private static readonly Lock Gate = new();

    /// <summary>Makes sure the user and its /etc/subuid, /etc/subgid ranges exist; skips when that is impossible.</summary>
    public static void Ensure()
    {
        ExternalTool.Require("runuser", "useradd", "usermod");
        lock (Gate)
        {
            if (ExternalTool.Run("id", ["-u", Name]).ExitCode != 0)
            {
                Skip.IfNot(LibcPosixFileSystem.IsRoot, $"The test user '{Name}' does not exist and this test process is not root to create it (eng/install-deps.sh does).");
                ExternalTool.Run("useradd", ["--create-home", "--shell", "/bin/sh", Name]).EnsureSuccess("useradd " + Name);
            }

            foreach (var (file, option) in new[] { ("/etc/subuid", "--add-subuids"), ("/etc/subgid", "--add-subgids") })
            {
                if (File.Exists(file) && File.ReadLines(file).Any(l => l.StartsWith(Name + ":", StringComparison.Ordinal)))
                {
                    continue;
                }

                Skip.IfNot(LibcPosixFileSystem.IsRoot, $"The test user '{Name}' has no range in {file} and this test process is not root to add one.");
                uint start = Math.Max(100_000u, File.Exists(file) ? File.ReadLines(file).Select(EndOfRange).DefaultIfEmpty(0u).Max() : 0u);
                string range = string.Create(CultureInfo.InvariantCulture, $"{start}-{start + 65535}");
                ExternalTool.Run("usermod", [option, range, Name]).EnsureSuccess($"usermod {option} {range} {Name}");
            }
        }
    }

    /// <summary>Runs a program as the test user (a clean environment except PATH, HOME and the .NET switches).</summary>
    public static ToolResult Run(IReadOnlyList<string> argv, TimeSpan? timeout = null) => RunAs(Name, HomeOf(Name), argv, timeout);

    /// <summary>Runs a program as <paramref name="user"/> with a clean environment.</summary>
    public static ToolResult RunAs(string user, string home, IReadOnlyList<string> argv, TimeSpan? timeout = null) =>
        ExternalTool.Run(
            "runuser",
            ["-u", user, "--", "env", "-i", "PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin", $"HOME={home}", "DOTNET_NOLOGO=1", "DOTNET_CLI_TELEMETRY_OPTOUT=1", .. argv],
            workingDirectory: "/",
            timeout: timeout ?? TimeSpan.FromMinutes(10));

    /// <summary>Makes a new directory owned by the test user under /tmp.</summary>
    public static string CreateDirectory(string prefix)
    {
        var result = ExternalTool.Run("runuser", ["-u", Name, "--", "mktemp", "-d", $"/tmp/{prefix}XXXXXX"]).EnsureSuccess("mktemp as " + Name);
        return result.StandardOutput.Trim();
    }

    private static string HomeOf(string user) => ExternalTool.Run("getent", ["passwd", user]).StandardOutput.Split(':') is { Length: > 5 } f ? f[5] : "/";

    private static uint EndOfRange(string line)
    {
        var f = line.Split(':');
        return f.Length == 3 && uint.TryParse(f[1], CultureInfo.InvariantCulture, out var s) && uint.TryParse(f[2], CultureInfo.InvariantCulture, out var c) ? s + c : 0;
    }
}
