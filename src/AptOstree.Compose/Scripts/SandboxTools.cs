namespace AptOstree.Compose;

/// <summary>Finds the host programs the sandbox is built from.</summary>
internal static class SandboxTools
{
    // Searched after PATH: a minimal PATH (systemd units, cron) often lacks the sbin directories.
    private static readonly string[] StandardDirectories = ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"];

    /// <summary>The full path of <paramref name="name"/>, or throws <see cref="ComposeErrorCodes.SandboxToolMissing"/> naming the package that has it.</summary>
    public static string Require(string name, string debianPackage)
    {
        return Find(name) ?? throw new ScriptSandboxException(
            ComposeErrorCodes.SandboxToolMissing,
            $"The script sandbox needs '{name}', which is not installed (searched PATH and {string.Join(':', StandardDirectories)}); install the Debian package '{debianPackage}'.");
    }

    /// <summary>The given executable when it exists, else throws <see cref="ComposeErrorCodes.SandboxToolMissing"/>.</summary>
    public static string RequireExplicit(string path, string debianPackage)
    {
        return File.Exists(path)
            ? Path.GetFullPath(path)
            : throw new ScriptSandboxException(
                ComposeErrorCodes.SandboxToolMissing,
                $"The script sandbox's '{path}' does not exist; install the Debian package '{debianPackage}' or name the right file.");
    }

    /// <summary>The full path of an executable on PATH or in the standard directories, or null.</summary>
    public static string? Find(string name)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        foreach (var dir in path.Split(':', StringSplitOptions.RemoveEmptyEntries).Concat(StandardDirectories))
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate) && IsExecutable(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    private static bool IsExecutable(string path) =>
        !OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;
}
