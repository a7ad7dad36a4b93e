using System.Diagnostics;
using System.Globalization;

namespace AptOstree.Compose;

/// <summary>
/// A user namespace (unprivileged) and/or a private mount namespace, held open by a small holder process
/// (<c>unshare … -- sh -c 'read -r _'</c>) for as long as the session lives; programs join it with <c>nsenter</c>.
/// </summary>
/// <remarks>
/// Unprivileged, the session writes the id maps itself with <c>newuidmap</c>/<c>newgidmap</c> once the holder has
/// made its namespace, the order mmdebstrap follows. util-linux's own <c>unshare --map-users</c> is not used: when
/// its <c>unshare()</c> fails (user namespaces disabled) it exits and leaves its mapping helper waiting forever on an
/// eventfd, holding the caller's pipes (seen with util-linux 2.38). Here a failure is reported with the tool's message
/// and the holder is always reaped: it ends when its stdin closes, which also happens if this process dies.
/// <c>nsenter</c> into the user namespace becomes its root (uid and gid 0, mapped to the caller), so programs it
/// runs keep their capabilities inside across exec.
/// </remarks>
internal sealed class NamespaceSession : IDisposable
{
    private static readonly TimeSpan SetupTimeout = TimeSpan.FromSeconds(30);

    private readonly Process _holder;
    private readonly Task<string> _holderErrors;
    private readonly SandboxIdentity _identity;
    private readonly SandboxHostTools _tools;
    private readonly bool _mount;

    private NamespaceSession(Process holder, SandboxIdentity identity, SandboxHostTools tools, bool mount)
    {
        _holder = holder;
        _holderErrors = holder.StandardError.ReadToEndAsync();
        _identity = identity;
        _tools = tools;
        _mount = mount;
    }

    /// <summary>
    /// Creates the namespaces: a user namespace with the sandbox's id maps when unprivileged, and a private mount
    /// namespace when <paramref name="mount"/>. Returns null when neither is needed (root, no mount namespace).
    /// </summary>
    public static NamespaceSession? Start(SandboxIdentity identity, SandboxHostTools tools, bool mount)
    {
        if (!identity.IsRootless && !mount)
        {
            return null;
        }

        var argv = new List<string> { tools.Unshare };
        if (identity.IsRootless)
        {
            argv.Add("--user");
        }

        if (mount)
        {
            argv.AddRange(["--mount", "--propagation", "private"]);
        }

        argv.AddRange(["--", tools.Shell, "-c", "read -r _"]);
        var session = new NamespaceSession(HostProcess.Start(argv, "/", keepStandardInputOpen: true), identity, tools, mount);
        try
        {
            session.WaitUntilUnshared(identity.IsRootless ? "user" : "mnt");
            if (identity.IsRootless)
            {
                session.WriteMap(tools.NewUidMap!, identity.HostUid, identity.Uids!.Value);
                session.WriteMap(tools.NewGidMap!, identity.HostGid, identity.Gids!.Value);
            }

            return session;
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>The argv prefix that runs a program inside the session's namespaces (as root of the user namespace).</summary>
    public List<string> EnterPrefix()
    {
        var prefix = new List<string> { _tools.NsEnter, "--target", _holder.Id.ToString(CultureInfo.InvariantCulture) };
        if (_identity.IsRootless)
        {
            prefix.Add("--user");
        }

        if (_mount)
        {
            prefix.Add("--mount");
        }

        prefix.Add("--");
        return prefix;
    }

    /// <summary>Lets the holder end (its namespaces end with the last process in them) and reaps it.</summary>
    public void Dispose()
    {
        try
        {
            _holder.StandardInput.Close();
        }
        catch (IOException)
        {
            // The holder is already gone.
        }

        if (!_holder.WaitForExit(TimeSpan.FromSeconds(5)))
        {
            HostProcess.KillTree(_holder);
            _holder.WaitForExit();
        }

        _holder.Dispose();
    }

    private void WaitUntilUnshared(string kind)
    {
        string own = NamespaceOf("self", kind) ?? throw new ScriptSandboxException($"/proc/self/ns/{kind} is not readable.");
        var stopwatch = Stopwatch.StartNew();
        while (true)
        {
            if (_holder.HasExited)
            {
                string errors = _holderErrors.Result.Trim();
                throw new ScriptSandboxException(
                    _identity.IsRootless ? ComposeErrorCodes.UserNamespacesUnavailable : ComposeErrorCodes.SandboxSetupFailed,
                    _identity.IsRootless
                        ? $"The script sandbox cannot create a user namespace ({errors}); user namespaces are disabled or limited on this system (sysctls user.max_user_namespaces, kernel.unprivileged_userns_clone, or an AppArmor/SELinux policy). Enable them or run as root."
                        : $"The script sandbox cannot create a mount namespace: {errors}");
            }

            var current = NamespaceOf(_holder.Id.ToString(CultureInfo.InvariantCulture), kind);
            if (current is not null && current != own)
            {
                return;
            }

            if (stopwatch.Elapsed > SetupTimeout)
            {
                throw new ScriptSandboxException(ComposeErrorCodes.SandboxSetupFailed, $"unshare did not create its namespaces within {SetupTimeout.TotalSeconds} s.");
            }

            Thread.Sleep(1);
        }
    }

    private void WriteMap(string tool, uint hostId, SubordinateIdRange range)
    {
        // Sandbox id 0 is the caller; 1…Count are the subordinate range.
        string[] argv =
        [
            tool, _holder.Id.ToString(CultureInfo.InvariantCulture),
            "0", hostId.ToString(CultureInfo.InvariantCulture), "1",
            "1", range.Start.ToString(CultureInfo.InvariantCulture), range.Count.ToString(CultureInfo.InvariantCulture),
        ];
        using var process = HostProcess.Start(argv, "/");
        var stderr = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new ScriptSandboxException(
                ComposeErrorCodes.UserNamespacesUnavailable,
                $"'{string.Join(' ', argv)}' failed (exit {process.ExitCode}): {stderr.Result.Trim()}. The script sandbox maps the ids of /etc/subuid and /etc/subgid with newuidmap/newgidmap (package uidmap; they must be setuid root or have the setuid/setgid file capabilities).");
        }
    }

    private static string? NamespaceOf(string pid, string kind)
    {
        try
        {
            return new FileInfo($"/proc/{pid}/ns/{kind}").LinkTarget;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
