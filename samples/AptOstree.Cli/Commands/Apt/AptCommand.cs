using System.CommandLine;

namespace AptOstree.Cli.Commands;

/// <summary>`apt-ostree apt …`.</summary>
internal static class AptCommand
{
    public static Command Create()
    {
        var command = new Command("apt", "APT repositories and the dependency solver.");
        command.Subcommands.Add(AptResolveCommand.Create());
        command.Subcommands.Add(AptCheckCommand.Create());
        command.Subcommands.Add(AptEdspCommand.Create());
        command.Subcommands.Add(AptUpdateCommand.Create());
        command.Subcommands.Add(AptDownloadCommand.Create());
        return command;
    }
}
