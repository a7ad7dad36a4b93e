using System.CommandLine;

namespace AptOstree.Cli.Commands;

/// <summary>`apt-ostree ostree remote add|list|delete|gpg-import`.</summary>
internal static class OstreeRemoteCommand
{
    public static Command Create()
    {
        var command = new Command("remote", "Remote commands that may involve network access.");
        command.Subcommands.Add(OstreeRemoteAddCommand.Create());
        command.Subcommands.Add(OstreeRemoteListCommand.Create());
        command.Subcommands.Add(OstreeRemoteDeleteCommand.Create());
        command.Subcommands.Add(OstreeRemoteGpgImportCommand.Create());
        return command;
    }
}
