using System.CommandLine;

namespace AptOstree.Cli.Commands;

/// <summary>`apt-ostree deb …`.</summary>
internal static class DebCommand
{
    public static Command Create()
    {
        var command = new Command("deb", "Read, build and extract .deb packages; compare Debian versions.");
        command.Subcommands.Add(DebInfoCommand.Create());
        command.Subcommands.Add(DebContentsCommand.Create());
        command.Subcommands.Add(DebExtractCommand.Create());
        command.Subcommands.Add(DebBuildCommand.Create());
        command.Subcommands.Add(DebCompareVersionsCommand.Create());
        return command;
    }
}
