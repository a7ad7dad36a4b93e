using System.Diagnostics;
using AptOstree.Deb;
using AptOstree.Posix;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AptOstree.Compose;

/// <summary>
/// Runs commands — Debian maintainer scripts, <c>dpkg --configure</c>, triggers — over a tree that must not change,
/// typically a hard-link checkout whose files are the OSTree repository's own objects. The tree is the lower layer of
/// an overlay: every write lands in <see cref="UpperDirectory"/> (a written file is copied up first, so the
/// repository's objects are never touched), and <see cref="CaptureChanges"/> reports what the commands changed.
/// </summary>
/// <remarks>
/// <para>Isolation is rpm-ostree's (<c>rust/src/bwrap.rs</c>): bubblewrap with private pid, uts, ipc, cgroup and
/// (unless <see cref="ScriptSandboxOptions.Network"/>) network namespaces, fresh <c>/dev</c> and <c>/proc</c>,
/// tmpfs <c>/run</c> and <c>/tmp</c>, read-only parts of <c>/sys</c>, the capabilities package scripts need
/// (chown, dac_override, fowner, fsetid, kill, setgid, setuid, setpcap, sys_chroot, setfcap), a clean environment
/// with <c>DEBIAN_FRONTEND=noninteractive</c>, and a <c>/usr/sbin/policy-rc.d</c> that refuses every service start
/// (exit 101). The sandbox dies with the thread that started it, and a time limit or a cancellation kills the command
/// with every process it started; no mount is ever made in the caller's mount namespace.</para>
/// <para>As root, commands run with the host's ids. Unprivileged, they run in a user namespace mapping id 0 to the
/// caller and ids 1…N to the caller's range in <c>/etc/subuid</c>/<c>/etc/subgid</c> (mmdebstrap's unshare mode), so
/// <c>chown</c> and <c>adduser --system</c> work and <see cref="CaptureChanges"/> reports the same owners a root run
/// does.</para>
/// <para>One command runs at a time; calls wait for the previous one. Not thread-safe beyond that.</para>
/// </remarks>
public sealed class ScriptSandbox : IAsyncDisposable
{
    private const string PolicyRcD = "#!/bin/sh\n# AptOstree script sandbox: no service is started while packages are configured.\nexit 101\n";

    private readonly SandboxLayout _layout;
    private readonly LowerTree _lower;
    private readonly ScriptSandboxOptions _options;
    private readonly ILogger _logger;
    private readonly SandboxIdentity _identity;
    private readonly SandboxHostTools _tools;
    private readonly HashSet<string> _createdMountPoints;
    private readonly bool _bindResolvConf;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly CancellationTokenSource _disposing = new();
    private int _disposed;

    private ScriptSandbox(SandboxLayout layout, LowerTree lower, ScriptSandboxOptions options, ILogger logger, SandboxIdentity identity, SandboxHostTools tools, bool bindResolvConf)
    {
        _layout = layout;
        _lower = lower;
        _options = options;
        _logger = logger;
        _identity = identity;
        _tools = tools;
        _bindResolvConf = bindResolvConf;
        _createdMountPoints = SandboxCommandLine.MountPoints(bindResolvConf).Where(p => !lower.TryGetStatus(p, out _)).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>The tree the commands see, which is never modified.</summary>
    public string LowerRoot => _lower.Root;

    /// <summary>The work directory holding the overlay's directories.</summary>
    public string WorkDirectory => _layout.WorkDirectory;

    /// <summary>
    /// The overlay's upper directory: new and changed files, and whiteouts (0/0 character devices) for deletions,
    /// with overlayfs's <c>user.overlay.*</c> attributes. Unprivileged, its owners are host ids (the caller and the
    /// subordinate range), not the sandbox's; read it through <see cref="CaptureChanges"/> and <see cref="OpenContent"/>.
    /// </summary>
    public string UpperDirectory => _layout.Upper;

    /// <summary>True when the sandbox runs in a user namespace because this process is not root.</summary>
    public bool IsUnprivileged => _identity.IsRootless;

    /// <summary>
    /// Prepares a sandbox over <paramref name="lowerRoot"/> in <paramref name="workDirectory"/> (created if missing;
    /// it must be empty, and on a file system that can hold an overlay upper directory, with user xattrs, such as
    /// ext4, xfs, btrfs or tmpfs). Checks the tools and, unprivileged, the user namespace prerequisites.
    /// </summary>
    /// <exception cref="ScriptSandboxException">A tool is missing (<see cref="ComposeErrorCodes.SandboxToolMissing"/>), user
    /// namespaces are unavailable or the user has no subordinate ids (<see cref="ComposeErrorCodes.UserNamespacesUnavailable"/>,
    /// <see cref="ComposeErrorCodes.SubordinateIdsMissing"/>), or the directories are unusable (<see cref="ComposeErrorCodes.SandboxSetupFailed"/>).</exception>
    public static ScriptSandbox Open(string lowerRoot, string workDirectory, ScriptSandboxOptions? options = null, ILogger<ScriptSandbox>? logger = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(lowerRoot);
        ArgumentException.ThrowIfNullOrEmpty(workDirectory);
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("The script sandbox needs Linux namespaces.");
        }

        options ??= ScriptSandboxOptions.Default;
        ValidateOptions(options);
        lowerRoot = Path.TrimEndingDirectorySeparator(Path.GetFullPath(lowerRoot));
        workDirectory = Path.TrimEndingDirectorySeparator(Path.GetFullPath(workDirectory));
        if (!Directory.Exists(lowerRoot))
        {
            throw new ScriptSandboxException(ComposeErrorCodes.SandboxSetupFailed, $"The sandbox's lower tree '{lowerRoot}' is not a directory.");
        }

        if (IsWithin(workDirectory, lowerRoot) || IsWithin(lowerRoot, workDirectory))
        {
            throw new ScriptSandboxException(ComposeErrorCodes.SandboxSetupFailed, $"The sandbox's work directory '{workDirectory}' and its lower tree '{lowerRoot}' must not contain one another.");
        }

        var identity = SandboxIdentity.ForCurrentProcess();
        var tools = SandboxHostTools.Locate(options, identity.IsRootless);
        var layout = new SandboxLayout(workDirectory);
        try
        {
            Directory.CreateDirectory(workDirectory);
            if (Directory.EnumerateFileSystemEntries(workDirectory).Any())
            {
                throw new ScriptSandboxException(ComposeErrorCodes.SandboxSetupFailed, $"The sandbox's work directory '{workDirectory}' is not empty.");
            }

            const UnixFileMode DirectoryMode = (UnixFileMode)PosixPermissions.Directory;
            Directory.CreateDirectory(layout.Upper, DirectoryMode);
            Directory.CreateDirectory(layout.Work, DirectoryMode);
            Directory.CreateDirectory(layout.Merged, DirectoryMode);
            File.CreateSymbolicLink(layout.LowerLink, lowerRoot);
            File.WriteAllText(layout.PolicyRcD, PolicyRcD);
            File.SetUnixFileMode(layout.PolicyRcD, DirectoryMode);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ScriptSandboxException(ComposeErrorCodes.SandboxSetupFailed, $"The sandbox's work directory '{workDirectory}' could not be prepared: {ex.Message}", innerException: ex);
        }

        var lower = new LowerTree(lowerRoot);
        bool bindResolvConf = options.Network && File.Exists("/etc/resolv.conf")
            && (!lower.TryGetStatus("etc/resolv.conf", out var resolv) || resolv.IsRegularFile);
        var sandbox = new ScriptSandbox(layout, lower, options, (ILogger?)logger ?? NullLogger.Instance, identity, tools, bindResolvConf);
        SandboxLog.Opened(sandbox._logger, lowerRoot, workDirectory, identity.IsRootless ? "unprivileged, user namespace" : "root");
        return sandbox;
    }

    /// <summary>
    /// Runs <paramref name="argv"/> (a program found on the sandbox's <c>PATH</c>, and its arguments) in the sandbox,
    /// with <c>/</c> as working directory and <c>/dev/null</c> as stdin. Returns however it exits; call
    /// <see cref="SandboxRunResult.EnsureSuccess"/> to turn a non-zero status into an exception.
    /// </summary>
    /// <exception cref="ScriptSandboxException">The sandbox could not be set up (<see cref="ComposeErrorCodes.SandboxSetupFailed"/>,
    /// <see cref="ComposeErrorCodes.UserNamespacesUnavailable"/>) or the time limit passed (<see cref="ComposeErrorCodes.SandboxTimeLimitExceeded"/>).</exception>
    /// <exception cref="OperationCanceledException">Cancelled; the command and its processes were killed first.</exception>
    public async Task<SandboxRunResult> RunAsync(IReadOnlyList<string> argv, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(argv);
        if (argv.Count == 0 || argv[0].Length == 0)
        {
            throw new ArgumentException("The command is empty.", nameof(argv));
        }

        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var command = argv.ToArray();
        string description = ScriptSandboxException.Describe(command);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            File.Delete(_layout.Status);
            var stopwatch = Stopwatch.StartNew();
            using var session = NamespaceSession.Start(_identity, _tools, mount: true)!;
            var commandLine = SandboxCommandLine.Build(_layout, session.EnterPrefix(), _tools, _options, _bindResolvConf, command);
            SandboxLog.Running(_logger, description);
            var tail = new OutputTail(_options.OutputTailBytes);
            var lines = _logger.IsEnabled(LogLevel.Debug) ? new OutputLines(line => SandboxLog.Output(_logger, line)) : null;
            using var timeLimit = new CancellationTokenSource();
            if (_options.TimeLimit is { } limit)
            {
                timeLimit.CancelAfter(limit);
            }

            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeLimit.Token, _disposing.Token);
            HostProcessExit exit;
            try
            {
                exit = await HostProcess.RunAsync(
                    commandLine,
                    _layout.WorkDirectory,
                    chunk =>
                    {
                        tail.Append(chunk.Span);
                        lines?.Append(chunk.Span);
                    },
                    linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (timeLimit.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                SandboxLog.TimedOut(_logger, description, _options.TimeLimit!.Value);
                var output = tail.ToString();
                throw new ScriptSandboxException(
                    ComposeErrorCodes.SandboxTimeLimitExceeded,
                    $"'{description}' ran longer than its time limit of {_options.TimeLimit.Value} in the script sandbox and was killed with every process it started.{ScriptSandboxException.FormatTail(output)}",
                    command,
                    outputTail: output);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw new OperationCanceledException($"'{description}' was cancelled; it was killed with every process it started.", null, cancellationToken);
            }

            stopwatch.Stop();
            lines?.Complete();
            var status = BubblewrapStatus.Read(_layout.Status);
            if (!status.Started)
            {
                throw SetupFailure(command, description, exit, tail.ToString());
            }

            int exitCode = status.ExitCode ?? exit.ExitCode;
            SandboxLog.Exited(_logger, description, exitCode, stopwatch.ElapsedMilliseconds);
            return new SandboxRunResult(command, exitCode, tail.ToString(), stopwatch.Elapsed);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// What the commands run so far changed in the tree: every written path with its in-sandbox owner, group, mode,
    /// extended attributes and (for regular files) size, every deletion, and opaque directories; see
    /// <see cref="SandboxChanges"/> for how to apply them. Empty mount points the sandbox made are left out.
    /// </summary>
    /// <exception cref="ScriptSandboxException">The upper directory could not be read (<see cref="ComposeErrorCodes.SandboxCaptureFailed"/>).</exception>
    public SandboxChanges CaptureChanges()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        _gate.Wait();
        try
        {
            var changes = UpperDirectoryCapture.Capture(_identity, _tools, _layout.Upper, _lower, _createdMountPoints);
            int deleted = changes.Deleted.Count();
            SandboxLog.Captured(_logger, changes.Entries.Count - deleted, deleted);
            return changes;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Opens the content of a written regular file of <see cref="CaptureChanges"/>. Unprivileged, a file that a command
    /// gave another sandbox user with a private mode is read through the sandbox's user namespace.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="change"/> is not a written regular file.</exception>
    public Stream OpenContent(SandboxChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (change.Kind != SandboxChangeKind.Written || change.Type != PosixFileType.RegularFile || !TarPath.IsSafe(change.Path))
        {
            throw new ArgumentException($"'{change.Path}' is not a written regular file of this sandbox.", nameof(change));
        }

        var path = Path.Combine(_layout.Upper, change.Path);
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, FileOptions.SequentialScan);
        }
        catch (UnauthorizedAccessException) when (_identity.IsRootless)
        {
            return NamespaceReadStream.Open(_identity, _tools, path);
        }
    }

    /// <summary>
    /// Kills a running command, then removes the upper, work and merged directories (inside the user namespace when
    /// unprivileged, because the caller does not own what commands created) unless
    /// <see cref="ScriptSandboxOptions.KeepWorkDirectory"/>, and the work directory itself when it is then empty.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _disposing.CancelAsync().ConfigureAwait(false);
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (!_options.KeepWorkDirectory)
            {
                await RemoveWorkDirectoryAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            _gate.Release();
            _disposing.Dispose();
        }
    }

    private async Task RemoveWorkDirectoryAsync()
    {
        try
        {
            // The symlink first, so nothing below can reach the lower tree through it.
            File.Delete(_layout.LowerLink);
            using var session = NamespaceSession.Start(_identity, _tools, mount: false);
            var argv = session?.EnterPrefix() ?? [];
            argv.AddRange([_tools.Remove, "-rf", "--one-file-system", "--", _layout.Upper, _layout.Work, _layout.Merged, _layout.PolicyRcD, _layout.Status]);
            var exit = await HostProcess.RunAsync(argv, _layout.WorkDirectory, _ => { }, CancellationToken.None).ConfigureAwait(false);
            if (exit.ExitCode != 0)
            {
                SandboxLog.CleanupFailed(_logger, _layout.WorkDirectory, exit.StandardError.Trim());
                return;
            }

            if (!Directory.EnumerateFileSystemEntries(_layout.WorkDirectory).Any())
            {
                Directory.Delete(_layout.WorkDirectory);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ScriptSandboxException)
        {
            SandboxLog.CleanupFailed(_logger, _layout.WorkDirectory, ex.Message);
        }
    }

    private ScriptSandboxException SetupFailure(string[] command, string description, HostProcessExit exit, string output)
    {
        // mount's errors are on stderr; bubblewrap's own are in the output.
        string detail = string.Join(' ', new[] { exit.StandardError.Trim(), output.Trim() }.Where(s => s.Length > 0));
        return new ScriptSandboxException(
            ComposeErrorCodes.SandboxSetupFailed,
            $"The script sandbox for '{description}' could not be set up over '{LowerRoot}' (exit {exit.ExitCode}): {detail}",
            command,
            outputTail: output);
    }

    private static void ValidateOptions(ScriptSandboxOptions options)
    {
        if (options.TimeLimit is { } limit && limit <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), limit, "The time limit must be positive.");
        }

        if (options.OutputTailBytes <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.OutputTailBytes, "The output tail must hold at least one byte.");
        }

        foreach (var (name, _) in options.Environment)
        {
            if (name.Length == 0 || name.Contains('=', StringComparison.Ordinal) || name.Contains('\0', StringComparison.Ordinal))
            {
                throw new ArgumentException($"'{name}' is not an environment variable name.", nameof(options));
            }
        }

        foreach (var (sandboxPath, hostPath) in options.ReadOnlyBinds)
        {
            var relative = sandboxPath.StartsWith("/run/", StringComparison.Ordinal) ? sandboxPath[1..] : null;
            if (relative is null || TarPath.Normalize(relative) != relative || !TarPath.IsSafe(relative))
            {
                throw new ArgumentException($"The sandbox path '{sandboxPath}' of a read-only bind must be a normalised absolute path under /run/.", nameof(options));
            }

            if (!File.Exists(hostPath) && !Directory.Exists(hostPath))
            {
                throw new ScriptSandboxException(ComposeErrorCodes.SandboxSetupFailed, $"'{hostPath}', to be shown at {sandboxPath} in the sandbox, does not exist.");
            }
        }
    }

    private static bool IsWithin(string path, string directory) =>
        directory == "/" || path == directory || path.StartsWith(directory + "/", StringComparison.Ordinal);
}
