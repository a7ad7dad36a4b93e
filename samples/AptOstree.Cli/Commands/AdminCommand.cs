using System.CommandLine;

namespace AptOstree.Cli.Commands;

/// <summary>`apt-ostree admin …`.</summary>
internal static class AdminCommand
{
    public static Command Create()
    {
        var command = new Command("admin", "Manage a sysroot's deployments (ostree admin-compatible).");
        return command;
    }
}
