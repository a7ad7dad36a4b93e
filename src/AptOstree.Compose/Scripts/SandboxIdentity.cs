using System.Globalization;

namespace AptOstree.Compose;

/// <summary>
/// Who the sandbox runs as. As root, commands run with the host's ids. Unprivileged, they run in a user namespace
/// where id 0 is this user and ids 1…N are the user's subordinate range from <c>/etc/subuid</c> and
/// <c>/etc/subgid</c> (written by the setuid <c>newuidmap</c>/<c>newgidmap</c>), the layout mmdebstrap's unshare mode
/// and rootless containers use; so <c>chown</c>, <c>chgrp</c> and <c>adduser --system</c> work inside, and every id a
/// command sets is a real, distinct id on disk that maps back to the same in-sandbox id.
/// </summary>
internal sealed class SandboxIdentity
{
    /// <summary>The kernel's overflow id: what an id without a mapping reads as inside a user namespace.</summary>
    public const uint OverflowId = 65534;

    private SandboxIdentity(bool isRootless, uint hostUid, uint hostGid, SubordinateIdRange? uids, SubordinateIdRange? gids)
    {
        IsRootless = isRootless;
        HostUid = hostUid;
        HostGid = hostGid;
        Uids = uids;
        Gids = gids;
    }

    /// <summary>True when this process is not root and commands run in a mapped user namespace.</summary>
    public bool IsRootless { get; }

    /// <summary>This process's effective uid.</summary>
    public uint HostUid { get; }

    /// <summary>This process's effective gid.</summary>
    public uint HostGid { get; }

    /// <summary>The subordinate uid range mapped to sandbox uids 1…Count (rootless only).</summary>
    public SubordinateIdRange? Uids { get; }

    /// <summary>The subordinate gid range mapped to sandbox gids 1…Count (rootless only).</summary>
    public SubordinateIdRange? Gids { get; }

    /// <summary>Determines the identity of this process and checks that it can make the sandbox.</summary>
    public static SandboxIdentity ForCurrentProcess()
    {
        var (uid, gid) = ReadEffectiveIds();
        if (uid == 0)
        {
            return new SandboxIdentity(false, uid, gid, null, null);
        }

        RequireUserNamespaces();
        string user = Environment.UserName;
        var uids = SubordinateIdRange.Find("/etc/subuid", user, uid) ?? throw MissingRange("/etc/subuid", user, uid);
        var gids = SubordinateIdRange.Find("/etc/subgid", user, uid) ?? throw MissingRange("/etc/subgid", user, uid);
        return new SandboxIdentity(true, uid, gid, uids, gids);
    }

    /// <summary>The uid that a file owned by host uid <paramref name="hostUid"/> shows inside the sandbox.</summary>
    public uint ToSandboxUid(uint hostUid) => ToSandbox(hostUid, HostUid, Uids);

    /// <summary>The gid that a file owned by host gid <paramref name="hostGid"/> shows inside the sandbox.</summary>
    public uint ToSandboxGid(uint hostGid) => ToSandbox(hostGid, HostGid, Gids);

    private uint ToSandbox(uint hostId, uint self, SubordinateIdRange? range)
    {
        if (!IsRootless)
        {
            return hostId;
        }

        if (hostId == self)
        {
            return 0;
        }

        return range is { } r && hostId >= r.Start && hostId - r.Start < r.Count ? hostId - r.Start + 1 : OverflowId;
    }

    private static (uint Uid, uint Gid) ReadEffectiveIds()
    {
        uint? uid = null, gid = null;
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            // "Uid:\treal\teffective\tsaved\tfs"
            if (line.StartsWith("Uid:", StringComparison.Ordinal))
            {
                uid = uint.Parse(line.Split('\t', StringSplitOptions.RemoveEmptyEntries)[2], CultureInfo.InvariantCulture);
            }
            else if (line.StartsWith("Gid:", StringComparison.Ordinal))
            {
                gid = uint.Parse(line.Split('\t', StringSplitOptions.RemoveEmptyEntries)[2], CultureInfo.InvariantCulture);
            }
        }

        return (uid ?? throw new ScriptSandboxException("/proc/self/status has no Uid: line."), gid ?? throw new ScriptSandboxException("/proc/self/status has no Gid: line."));
    }

    private static void RequireUserNamespaces()
    {
        // Debian's and Ubuntu's switch for unprivileged user namespaces (absent on kernels without the patch).
        if (ReadSysctl("/proc/sys/kernel/unprivileged_userns_clone") == "0")
        {
            throw new ScriptSandboxException(
                ComposeErrorCodes.UserNamespacesUnavailable,
                "Unprivileged user namespaces are disabled (sysctl kernel.unprivileged_userns_clone=0), so the script sandbox cannot run without root; enable them (sysctl -w kernel.unprivileged_userns_clone=1) or run as root.");
        }

        if (ReadSysctl("/proc/sys/user/max_user_namespaces") == "0")
        {
            throw new ScriptSandboxException(
                ComposeErrorCodes.UserNamespacesUnavailable,
                "User namespaces are disabled (sysctl user.max_user_namespaces=0), so the script sandbox cannot run without root; raise the limit or run as root.");
        }
    }

    private static string? ReadSysctl(string path)
    {
        try
        {
            return File.Exists(path) ? File.ReadAllText(path).Trim() : null;
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

    private static ScriptSandboxException MissingRange(string file, string user, uint uid) => new(
        ComposeErrorCodes.SubordinateIdsMissing,
        $"User '{user}' (uid {uid}) has no subordinate id range in {file}, which the unprivileged script sandbox maps to the ids package scripts create; add one, e.g. 'usermod --add-subuids 100000-165535 --add-subgids 100000-165535 {user}'.");
}
