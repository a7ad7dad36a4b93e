namespace AptOstree.Compose;

/// <summary>The host programs the sandbox runs, located once when it is opened.</summary>
internal sealed record SandboxHostTools(string Bubblewrap, string Mount, string Shell, string Tar, string Remove, string Cat)
{
    public static SandboxHostTools Locate(ScriptSandboxOptions options) => new(
        options.BubblewrapPath is { } bwrap ? SandboxTools.RequireExplicit(bwrap, "bubblewrap") : SandboxTools.Require("bwrap", "bubblewrap"),
        SandboxTools.Require("mount", "mount"),
        SandboxTools.Require("sh", "dash"),
        SandboxTools.Require("tar", "tar"),
        SandboxTools.Require("rm", "coreutils"),
        SandboxTools.Require("cat", "coreutils"));
}
