namespace AptOstree.Compose;

/// <summary>The host programs the sandbox runs, located once when it is opened.</summary>
internal sealed record SandboxHostTools(
    string Bubblewrap, string Mount, string Shell, string Tar, string Remove, string Cat, string Unshare, string NsEnter, string? NewUidMap, string? NewGidMap)
{
    /// <summary>Finds the tools; <c>newuidmap</c>/<c>newgidmap</c> only when <paramref name="unprivileged"/>.</summary>
    public static SandboxHostTools Locate(ScriptSandboxOptions options, bool unprivileged) => new(
        options.BubblewrapPath is { } bwrap ? SandboxTools.RequireExplicit(bwrap, "bubblewrap") : SandboxTools.Require("bwrap", "bubblewrap"),
        SandboxTools.Require("mount", "mount"),
        SandboxTools.Require("bash", "bash"),
        SandboxTools.Require("tar", "tar"),
        SandboxTools.Require("rm", "coreutils"),
        SandboxTools.Require("cat", "coreutils"),
        SandboxTools.Require("unshare", "util-linux"),
        SandboxTools.Require("nsenter", "util-linux"),
        unprivileged ? SandboxTools.Require("newuidmap", "uidmap") : null,
        unprivileged ? SandboxTools.Require("newgidmap", "uidmap") : null);
}
