using System.CommandLine;

namespace AptOstree.Cli.Commands;

/// <summary>`apt-ostree ostree fsck`: check every object of the repository, as ostree fsck does.</summary>
internal static class OstreeFsckCommand
{
    public static Command Create()
    {
        var repo = new RepoOption();
        var command = new Command("fsck", "Check the repository for consistency.") { repo };
        command.SetAction(parseResult =>
        {
            var result = repo.Open(parseResult).Fsck();
            foreach (var p in result.Problems)
            {
                Console.Error.WriteLine($"error: {p.Message}");
            }

            Console.WriteLine($"Validating refs...\nChecked {result.ObjectsChecked} objects in {result.CommitsChecked} commits");
            if (!result.IsClean)
            {
                Console.Error.WriteLine("error: Repository corruption encountered");
                return 1;
            }

            Console.WriteLine("no errors found");
            return 0;
        });
        return command;
    }
}
