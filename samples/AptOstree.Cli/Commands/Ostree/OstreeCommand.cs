using System.CommandLine;

namespace AptOstree.Cli.Commands;

/// <summary>`apt-ostree ostree …`: libostree's CLI verbs with its flag names, over the managed repository.</summary>
internal static class OstreeCommand
{
    public static Command Create()
    {
        var command = new Command("ostree", "Manage an OSTree repository (libostree-compatible).") { RepoOption.Leading };
        command.Subcommands.Add(OstreeInitCommand.Create());
        command.Subcommands.Add(OstreeCommitCommand.Create());
        command.Subcommands.Add(OstreeCheckoutCommand.Create());
        command.Subcommands.Add(OstreeRefsCommand.Create());
        command.Subcommands.Add(OstreeRevParseCommand.Create());
        command.Subcommands.Add(OstreeConfigCommand.Create());
        command.Subcommands.Add(OstreeSummaryCommand.Create());
        command.Subcommands.Add(OstreeLsCommand.Create());
        command.Subcommands.Add(OstreeLogCommand.Create());
        command.Subcommands.Add(OstreeShowCommand.Create());
        command.Subcommands.Add(OstreeCatCommand.Create());
        command.Subcommands.Add(OstreeDiffCommand.Create());
        command.Subcommands.Add(OstreeFsckCommand.Create());
        command.Subcommands.Add(OstreePruneCommand.Create());
        command.Subcommands.Add(OstreePullCommand.Create());
        command.Subcommands.Add(OstreePullLocalCommand.Create());
        command.Subcommands.Add(OstreeRemoteCommand.Create());
        command.Subcommands.Add(OstreeSignCommand.Create());
        command.Subcommands.Add(OstreeGpgSignCommand.Create());
        return command;
    }
}
