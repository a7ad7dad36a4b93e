using System.Diagnostics;
using System.Text;
using AptOstree.Posix;

namespace AptOstree.Compose;

/// <summary>
/// A minimal stand-in, with the shape of the <c>ScriptSandbox</c> contract, until the sandbox branch lands: as root,
/// kernel overlayfs over the assembled tree (never modified; writes land in the upper directory) and bubblewrap
/// without network into the merged tree. Not rootless.
/// </summary>
internal sealed class InterimSandbox : IDisposable
{
    // Paths bubblewrap mounts over; anything they leave in the upper directory is not part of the tree.
    private static readonly string[] MountPoints = ["dev", "proc", "sys", "run", "tmp", "usr/sbin/policy-rc.d"];

    private readonly string _merged;
    private readonly string _hostRun;
    private bool _mounted;

    private InterimSandbox(string lowerRoot, string workDirectory)
    {
        LowerRoot = lowerRoot;
        UpperDirectory = Path.Combine(workDirectory, "upper");
        _merged = Path.Combine(workDirectory, "merged");
        _hostRun = Path.Combine(workDirectory, "run");
    }

    public string LowerRoot { get; }

    public string UpperDirectory { get; }

    /// <summary>A host directory bound read-only at <c>/run/aptostree</c> inside the sandbox.</summary>
    public string HostRunDirectory => _hostRun;

    public static InterimSandbox Open(string lowerRoot, string workDirectory)
    {
        if (LibcUid() != 0)
        {
            throw new AptOstreeException(ComposeErrorCodes.SandboxUnavailable, "Running maintainer scripts without root needs the rootless script sandbox (user namespaces), which this build does not have yet; run the compose as root.");
        }

        if (FindOnPath("bwrap") is null)
        {
            throw new AptOstreeException(ComposeErrorCodes.SandboxUnavailable, "bubblewrap (bwrap) is not installed; it runs the maintainer scripts (apt-get install bubblewrap).");
        }

        var sandbox = new InterimSandbox(lowerRoot, workDirectory);
        Directory.CreateDirectory(sandbox.UpperDirectory);
        Directory.CreateDirectory(Path.Combine(workDirectory, "work"));
        Directory.CreateDirectory(sandbox._merged);
        Directory.CreateDirectory(sandbox._hostRun);
        File.WriteAllText(Path.Combine(sandbox._hostRun, "policy-rc.d"), "#!/bin/sh\n# apt-ostree compose: services are never started while composing.\nexit 101\n");
        LibcPosixFileSystem.Instance.SetPermissions(Path.Combine(sandbox._hostRun, "policy-rc.d"), 0x1ED);
        var mount = Run("mount", ["-t", "overlay", "overlay", "-o", $"lowerdir={lowerRoot},upperdir={sandbox.UpperDirectory},workdir={Path.Combine(workDirectory, "work")}", sandbox._merged], TimeSpan.FromMinutes(1));
        if (mount.ExitCode != 0)
        {
            throw new AptOstreeException(ComposeErrorCodes.SandboxUnavailable, $"Cannot mount the overlay for the script sandbox: {mount.Output}");
        }

        sandbox._mounted = true;
        return sandbox;
    }

    public async Task<(int ExitCode, string OutputTail, TimeSpan Duration)> RunAsync(IReadOnlyList<string> argv, IReadOnlyDictionary<string, string> environment, TimeSpan timeLimit, CancellationToken cancellationToken)
    {
        var args = new List<string>
        {
            "--bind", _merged, "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp", "--tmpfs", "/run",
            "--ro-bind", _hostRun, "/run/aptostree", "--ro-bind", Path.Combine(_hostRun, "policy-rc.d"), "/usr/sbin/policy-rc.d",
            "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try", "--die-with-parent", "--new-session",
            "--hostname", "localhost", "--chdir", "/", "--clearenv",
        };
        foreach (var (k, v) in environment)
        {
            args.AddRange(["--setenv", k, v]);
        }

        args.AddRange(argv);
        var psi = new ProcessStartInfo(FindOnPath("bwrap")!) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        var started = Stopwatch.StartNew();
        using var process = Process.Start(psi)!;
        process.StandardInput.Close();
        var tail = new OutputTail(64 * 1024);
        var stdout = PumpAsync(process.StandardOutput, tail);
        var stderr = PumpAsync(process.StandardError, tail);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeLimit);
        try
        {
            await process.WaitForExitAsync(limit.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            throw new AptOstreeException(ComposeErrorCodes.ScriptTimedOut, $"'{string.Join(' ', argv)}' ran longer than {timeLimit.TotalSeconds:F0} s and was killed; output:\n{tail}");
        }

        await Task.WhenAll(stdout, stderr).ConfigureAwait(false);
        return (process.ExitCode, tail.ToString(), started.Elapsed);
    }

    /// <summary>The upper directory as changes, parents before children.</summary>
    public IReadOnlyList<SandboxTreeChange> CaptureChanges()
    {
        var fs = LibcPosixFileSystem.Instance;
        var result = new List<SandboxTreeChange>();
        void Walk(string relative)
        {
            string dir = relative.Length == 0 ? UpperDirectory : Path.Combine(UpperDirectory, relative);
            foreach (var name in fs.ListDirectory(dir).Order(StringComparer.Ordinal))
            {
                string rel = relative.Length == 0 ? name : relative + "/" + name;
                if (MountPoints.Contains(rel))
                {
                    continue;
                }

                string host = Path.Combine(UpperDirectory, rel);
                var st = fs.GetStatus(host);
                if (st.FileType == PosixFileType.CharacterDevice && st.RDevice == 0)
                {
                    result.Add(new SandboxTreeChange(rel, Deleted: true, st, null, [], IsOpaque: false, host));
                    continue;
                }

                var xattrs = fs.ListExtendedAttributes(host)
                    .Where(x => !x.StartsWith("trusted.overlay.", StringComparison.Ordinal) && !x.StartsWith("user.overlay.", StringComparison.Ordinal))
                    .Order(StringComparer.Ordinal)
                    .Select(x => new OSTree.ExtendedAttribute(x, fs.GetExtendedAttribute(host, x) ?? []))
                    .ToList();
                bool opaque = st.IsDirectory && fs.GetExtendedAttribute(host, "trusted.overlay.opaque") is [(byte)'y'];
                result.Add(new SandboxTreeChange(rel, Deleted: false, st, st.IsSymbolicLink ? fs.ReadSymbolicLink(host) : null, xattrs, opaque, host));
                if (st.IsDirectory)
                {
                    Walk(rel);
                }
            }
        }

        Walk(string.Empty);
        return result;
    }

    public void Dispose()
    {
        if (_mounted)
        {
            Run("umount", [_merged], TimeSpan.FromMinutes(1));
            _mounted = false;
        }
    }

    private static async Task PumpAsync(StreamReader reader, OutputTail tail)
    {
        char[] buffer = new char[8192];
        int n;
        while ((n = await reader.ReadAsync(buffer).ConfigureAwait(false)) > 0)
        {
            tail.Append(buffer.AsSpan(0, n));
        }
    }

    private static (int ExitCode, string Output) Run(string file, IReadOnlyList<string> args, TimeSpan limit)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        string output = p.StandardOutput.ReadToEnd();
        if (!p.WaitForExit(limit))
        {
            p.Kill(true);
        }

        return (p.ExitCode, output + err.Result);
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin").Split(':').Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);

    private static uint LibcUid() => LibcPosixFileSystem.Instance.GetStatus("/proc/self").Uid;

    private sealed class OutputTail(int capacity)
    {
        private readonly StringBuilder _text = new();
        private readonly Lock _gate = new();

        public void Append(ReadOnlySpan<char> chunk)
        {
            lock (_gate)
            {
                _text.Append(chunk);
                if (_text.Length > capacity * 2)
                {
                    _text.Remove(0, _text.Length - capacity);
                }
            }
        }

        public override string ToString()
        {
            lock (_gate)
            {
                return _text.Length > capacity ? _text.ToString(_text.Length - capacity, capacity) : _text.ToString();
            }
        }
    }
}

/// <summary>One entry of the sandbox's upper directory.</summary>
internal sealed record SandboxTreeChange(string Path, bool Deleted, PosixFileStatus Status, string? LinkTarget, IReadOnlyList<OSTree.ExtendedAttribute> Xattrs, bool IsOpaque, string HostPath);
