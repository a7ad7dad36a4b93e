using System.CommandLine;

namespace AptOstree.Cli.Commands;

/// <summary>`apt-ostree ostree remote delete NAME`.</summary>
internal static class OstreeRemoteDeleteCommand
{
    public static Command Create()
    {
        var repo = new RepoOption();
        var name = new Argument<string>("NAME");
        var command = new Command("delete", "Delete a remote repository.") { repo, name };
        command.SetAction(parseResult => repo.Open(parseResult).Remotes.Remove(parseResult.GetValue(name)!) ? 0 : 1);
        return command;
    }
}
