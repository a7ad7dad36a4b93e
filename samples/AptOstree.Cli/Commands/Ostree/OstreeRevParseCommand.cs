using System.CommandLine;
using AptOstree.OSTree;

namespace AptOstree.Cli.Commands;

/// <summary>`apt-ostree ostree rev-parse REV` / `--single`: the commit a ref, REMOTE:REF, checksum or checksum prefix names.</summary>
internal static class OstreeRevParseCommand
{
    public static Command Create()
    {
        var repo = new RepoOption();
        var single = new Option<bool>("--single", "-S") { Description = "If the repository has exactly one commit, then print it; any other case will result in an error." };
        var revs = new Argument<string[]>("REV") { Arity = ArgumentArity.ZeroOrMore };
        var command = new Command("rev-parse", "Output the target of a rev.") { repo, single, revs };
        command.SetAction(parseResult =>
        {
            var repository = repo.Open(parseResult);
            var given = parseResult.GetValue(revs) ?? [];
            if (parseResult.GetValue(single))
            {
                if (given.Length > 0)
                {
                    throw new AptOstreeException(OstreeErrorCodes.InvalidOption, "Cannot specify arguments with --single.");
                }

                var commits = repository.Objects.Enumerate().Where(o => o.Type == ObjectType.Commit).Take(2).ToList();
                Console.WriteLine(commits.Count switch
                {
                    1 => commits[0].Checksum.ToString(),
                    0 => throw new AptOstreeException(OstreeErrorCodes.ObjectNotFound, $"No commit objects found in {repository.Path}."),
                    _ => throw new AptOstreeException(OstreeErrorCodes.InvalidOption, $"Multiple commit objects found in {repository.Path}."),
                });
                return 0;
            }

            if (given.Length == 0)
            {
                throw new AptOstreeException(OstreeErrorCodes.InvalidOption, "A REV argument is required.");
            }

            foreach (var rev in given)
            {
                Console.WriteLine(repository.ResolveRev(rev));
            }

            return 0;
        });
        return command;
    }
}
