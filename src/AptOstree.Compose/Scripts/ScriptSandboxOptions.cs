namespace AptOstree.Compose;

/// <summary>How a <see cref="ScriptSandbox"/> runs commands.</summary>
public sealed record ScriptSandboxOptions
{
    private static readonly IReadOnlyDictionary<string, string> None = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>The defaults: no network, no time limit, the standard environment only.</summary>
    public static ScriptSandboxOptions Default { get; } = new();

    /// <summary>
    /// Share the host's network and show its <c>/etc/resolv.conf</c> (unless the tree has a symlink there); default
    /// false: a private network namespace with only a loopback device.
    /// </summary>
    public bool Network { get; init; }

    /// <summary>
    /// Wall-clock limit of each <see cref="ScriptSandbox.RunAsync"/>; when it passes, the command and every process it
    /// started are killed and <see cref="ComposeErrorCodes.SandboxTimeLimitExceeded"/> is thrown. Null: no limit.
    /// </summary>
    public TimeSpan? TimeLimit { get; init; }

    /// <summary>
    /// Variables added to the sandbox's clean environment, replacing defaults of the same name. The defaults are
    /// <c>PATH=/usr/sbin:/usr/bin:/sbin:/bin</c>, <c>DEBIAN_FRONTEND=noninteractive</c>,
    /// <c>DEBCONF_NONINTERACTIVE_SEEN=true</c>, <c>LC_ALL=C.UTF-8</c>, <c>HOME=/root</c>, and
    /// <c>SOURCE_DATE_EPOCH</c> when this process has it. Nothing else of this process's environment is passed.
    /// </summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = None;

    /// <summary>
    /// Host files or directories shown read-only inside the sandbox, keyed by their path in the sandbox, which must
    /// lie under <c>/run/</c> (a tmpfs there, so nothing is left behind in the tree): e.g. <c>/run/debs</c> → a
    /// directory of .debs to install, or <c>/run/debconf.sel</c> → a debconf selections file.
    /// </summary>
    public IReadOnlyDictionary<string, string> ReadOnlyBinds { get; init; } = None;

    /// <summary>How much of a command's combined stdout and stderr <see cref="SandboxRunResult.OutputTail"/> keeps (default 64 KiB).</summary>
    public int OutputTailBytes { get; init; } = 64 * 1024;

    /// <summary>The bubblewrap executable; null: <c>bwrap</c> from <c>PATH</c>.</summary>
    public string? BubblewrapPath { get; init; }

    /// <summary>Leave the upper and work directories in place on dispose (for inspection); default false.</summary>
    public bool KeepWorkDirectory { get; init; }
}
