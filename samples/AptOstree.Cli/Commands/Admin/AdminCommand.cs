using System.CommandLine;
using AptOstree.OSTree.Sysroot;

namespace AptOstree.Cli.Commands;

/// <summary>`apt-ostree admin …`: ostree admin-compatible deployment management.</summary>
internal static class AdminCommand
{
    /// <summary>`--sysroot=DIR` (default `/`), accepted by every admin verb.</summary>
    public static readonly Option<string> Sysroot = new("--sysroot")
    {
        Description = "Use the sysroot at DIR instead of /.",
        DefaultValueFactory = _ => "/",
        Recursive = true,
    };

    public static Command Create()
    {
        var command = new Command("admin", "Manage a sysroot's deployments (ostree admin-compatible).") { Sysroot };
        command.Subcommands.Add(AdminInitFsCommand.Create());
        command.Subcommands.Add(AdminOsInitCommand.Create());
        command.Subcommands.Add(AdminDeployCommand.Create());
        command.Subcommands.Add(AdminFinalizeStagedCommand.Create());
        command.Subcommands.Add(AdminStatusCommand.Create());
        command.Subcommands.Add(AdminRollbackCommand.Create());
        command.Subcommands.Add(AdminUndeployCommand.Create());
        command.Subcommands.Add(AdminPinCommand.Create());
        command.Subcommands.Add(AdminCleanupCommand.Create());
        command.Subcommands.Add(AdminSetOriginCommand.Create());
        command.Subcommands.Add(AdminKargsCommand.Create());
        return command;
    }

    /// <summary>Opens the `--sysroot` through the container's <see cref="OstreeSysrootFactory"/>.</summary>
    public static OstreeSysroot Open(ParseResult parse) => parse.GetRequiredService<OstreeSysrootFactory>().Open(parse.GetValue(Sysroot)!);
}
