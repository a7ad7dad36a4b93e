using System.CommandLine;

namespace AptOstree.Cli.Commands;

/// <summary>`apt-ostree ostree diff REV_A REV_B`: the changed paths between two commits.</summary>
internal static class OstreeDiffCommand
{
    public static Command Create()
    {
        var repo = new RepoOption();
        var from = new Argument<string>("REV_A");
        var to = new Argument<string>("REV_B");
        var command = new Command("diff", "Compare two commits.") { repo, from, to };
        command.SetAction(parseResult =>
        {
            var repository = repo.Open(parseResult);
            foreach (var d in repository.Browse().Diff(repository.ResolveRev(parseResult.GetValue(from)!), repository.ResolveRev(parseResult.GetValue(to)!)))
            {
                Console.WriteLine(d);
            }

            return 0;
        });
        return command;
    }
}
