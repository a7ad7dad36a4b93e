using System.CommandLine;

namespace AptOstree.Cli.Commands;

/// <summary>`apt-ostree admin cleanup [--no-prune]`.</summary>
internal static class AdminCleanupCommand
{
    public static Command Create()
    {
        var noPrune = new Option<bool>("--no-prune") { Description = "Do not prune the repository." };
        var command = new Command("cleanup", "Remove unreferenced deployments, boot files and leftovers; prune the repository.") { noPrune };
        command.SetAction(parse =>
        {
            AdminCommand.Open(parse).Cleanup(prune: !parse.GetValue(noPrune));
            return 0;
        });
        return command;
    }
}
