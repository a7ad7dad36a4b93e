namespace AptOstree.Compose;

/// <summary>
/// The host command line of one sandboxed run, started in the run's <see cref="NamespaceSession"/>:
/// <c>nsenter --target HOLDER [--user] --mount -- bash -c MOUNT_THEN_EXEC … bwrap [isolation] -- ARGV</c>.
/// </summary>
/// <remarks>
/// bubblewrap 0.8 (Debian 12) has no overlay options (they came in 0.9), so the overlay is mounted by
/// <c>mount</c> in the run's private mount namespace (owned by its user namespace when unprivileged,
/// where overlayfs needs <c>userxattr</c>), and bubblewrap then binds the merged tree as its root. The overlay
/// options name the layers relative to the work directory (<c>lower</c> is a symlink to the lower tree), so no path
/// ever needs overlayfs's comma and colon escaping. Nothing is mounted in the caller's namespace: the mounts vanish
/// with the sandbox's last process.
/// </remarks>
internal static class SandboxCommandLine
{
    /// <summary>The in-sandbox <c>PATH</c>, rpm-ostree's plus the legacy directories that Debian scripts still name.</summary>
    public const string SandboxPath = "/usr/sbin:/usr/bin:/sbin:/bin";

    // $1: work directory, $2: mount(8). Output of the sandbox (bubblewrap's own errors included) goes to stdout in
    // order; stderr keeps only what fails before bubblewrap starts (unshare, newuidmap, mount). Every descriptor above
    // 2 is closed first: the caller's process may hold descriptors without close-on-exec (a test host inherits some
    // from its shell), which Process.Start, nsenter and bubblewrap would all pass on to the scripts. bash, not dash:
    // dash's redirections only take one-digit descriptors.
    private const string MountThenExec =
        "set -e; for fd in /proc/self/fd/*; do fd=${fd##*/}; if [ \"$fd\" -gt 2 ]; then eval \"exec $fd>&-\"; fi; done; "
        + "cd \"$1\"; \"$2\" -t overlay -o lowerdir=lower,upperdir=upper,workdir=work,userxattr aptostree-sandbox merged; shift 2; exec \"$@\" </dev/null 3>status 2>&1";

    // rpm-ostree's set (rust/src/bwrap.rs): Docker's default capabilities without net_raw, mknod, audit_write and
    // net_bind_service; everything else, sys_admin included, is dropped.
    private static readonly string[] Capabilities =
    [
        "cap_chown", "cap_dac_override", "cap_fowner", "cap_fsetid", "cap_kill",
        "cap_setgid", "cap_setuid", "cap_setpcap", "cap_sys_chroot", "cap_setfcap",
    ];

    // Read-only views of the host's /sys that rpm-ostree gives scripts, on a tmpfs /sys so that their mount points
    // are not made in the tree.
    private static readonly string[] SysBinds = ["/sys/block", "/sys/bus", "/sys/class", "/sys/dev", "/sys/devices"];

    /// <summary>The tree paths the sandbox mounts over; when the lower tree lacks one, its empty mount point appears in the upper directory.</summary>
    public static IEnumerable<string> MountPoints(bool network)
    {
        string[] always = ["dev", "proc", "run", "tmp", "sys", "usr/sbin/policy-rc.d"];
        return network ? [.. always, "etc/resolv.conf"] : always;
    }

    /// <summary>Builds the argv.</summary>
    /// <param name="layout">The work directory's files.</param>
    /// <param name="enter">The <see cref="NamespaceSession.EnterPrefix"/> of the run's namespaces.</param>
    /// <param name="tools">The host programs.</param>
    /// <param name="options">The sandbox options.</param>
    /// <param name="bindResolvConf">Whether to bind the host's resolv.conf (network on, and the tree has no symlink there).</param>
    /// <param name="command">The argv to run inside.</param>
    public static List<string> Build(SandboxLayout layout, IReadOnlyList<string> enter, SandboxHostTools tools, ScriptSandboxOptions options, bool bindResolvConf, IReadOnlyList<string> command)
    {
        var argv = new List<string>(enter);
        argv.AddRange([tools.Shell, "-c", MountThenExec, "aptostree-sandbox", layout.WorkDirectory, tools.Mount]);
        argv.AddRange([tools.Bubblewrap, "--bind", layout.Merged, "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/run", "--tmpfs", "/tmp", "--tmpfs", "/sys"]);
        foreach (var sys in SysBinds.Where(Directory.Exists))
        {
            argv.AddRange(["--ro-bind", sys, sys]);
        }

        argv.AddRange(["--ro-bind", layout.PolicyRcD, "/usr/sbin/policy-rc.d"]);
        if (options.Network && bindResolvConf)
        {
            argv.AddRange(["--ro-bind", "/etc/resolv.conf", "/etc/resolv.conf"]);
        }

        foreach (var (sandboxPath, hostPath) in options.ReadOnlyBinds.OrderBy(b => b.Key, StringComparer.Ordinal))
        {
            argv.AddRange(["--ro-bind", Path.GetFullPath(hostPath), sandboxPath]);
        }

        argv.AddRange([
            "--chdir", "/", "--hostname", "localhost", "--die-with-parent", "--new-session",
            "--unshare-pid", "--unshare-uts", "--unshare-ipc", "--unshare-cgroup-try",
        ]);
        if (!options.Network)
        {
            argv.Add("--unshare-net");
        }

        argv.AddRange(["--cap-drop", "ALL"]);
        foreach (var cap in Capabilities)
        {
            argv.AddRange(["--cap-add", cap]);
        }

        argv.Add("--clearenv");
        foreach (var (name, value) in Environment(options).OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            argv.AddRange(["--setenv", name, value]);
        }

        argv.AddRange(["--json-status-fd", "3", "--"]);
        argv.AddRange(command);
        return argv;
    }

    /// <summary>The sandbox's whole environment: the defaults, then the caller's variables over them.</summary>
    public static Dictionary<string, string> Environment(ScriptSandboxOptions options)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["PATH"] = SandboxPath,
            ["DEBIAN_FRONTEND"] = "noninteractive",
            ["DEBCONF_NONINTERACTIVE_SEEN"] = "true",
            ["LC_ALL"] = "C.UTF-8",
            ["HOME"] = "/root",
        };
        if (System.Environment.GetEnvironmentVariable("SOURCE_DATE_EPOCH") is { Length: > 0 } epoch)
        {
            env["SOURCE_DATE_EPOCH"] = epoch;
        }

        foreach (var (name, value) in options.Environment)
        {
            env[name] = value;
        }

        return env;
    }
}
