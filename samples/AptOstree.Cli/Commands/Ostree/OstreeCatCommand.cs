using System.CommandLine;

namespace AptOstree.Cli.Commands;

/// <summary>`apt-ostree ostree cat COMMIT PATH...`: file contents from a commit.</summary>
internal static class OstreeCatCommand
{
    public static Command Create()
    {
        var repo = new RepoOption();
        var rev = new Argument<string>("COMMIT");
        var paths = new Argument<string[]>("PATH") { Arity = ArgumentArity.OneOrMore };
        var command = new Command("cat", "Concatenate contents of files.") { repo, rev, paths };
        command.SetAction(parseResult =>
        {
            var repository = repo.Open(parseResult);
            var commit = repository.ResolveRev(parseResult.GetValue(rev)!);
            using var stdout = Console.OpenStandardOutput();
            foreach (var path in parseResult.GetValue(paths) ?? [])
            {
                using var content = repository.Browse().OpenFile(commit, path);
                content.Content.CopyTo(stdout);
            }

            return 0;
        });
        return command;
    }
}
