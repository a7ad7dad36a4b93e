using System.CommandLine;

namespace AptOstree.Cli.Commands;

/// <summary>`apt-ostree ostree remote list`.</summary>
internal static class OstreeRemoteListCommand
{
    public static Command Create()
    {
        var repo = new RepoOption();
        var command = new Command("list", "List remote repository names.") { repo };
        command.SetAction(parseResult =>
        {
            foreach (var r in repo.Open(parseResult).Remotes.List())
            {
                Console.WriteLine(r.Name);
            }

            return 0;
        });
        return command;
    }
}
