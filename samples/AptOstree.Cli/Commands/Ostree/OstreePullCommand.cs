using System.CommandLine;
using AptOstree.Cli.Progress;
using AptOstree.OSTree;

namespace AptOstree.Cli.Commands;

/// <summary>`apt-ostree ostree pull REMOTE [BRANCH...] [--mirror] [--depth=N]`: fetch commits from a remote.</summary>
internal static class OstreePullCommand
{
    public static Command Create()
    {
        var repo = new RepoOption();
        var depth = new Option<int>("--depth") { Description = "Traverse DEPTH parents (-1=infinite) (default: 0)." };
        var mirror = new Option<bool>("--mirror") { Description = "Write refs suitable for a mirror and fetches all refs if none provided." };
        var remote = new Argument<string>("REMOTE");
        var refs = new Argument<string[]>("BRANCH") { Arity = ArgumentArity.ZeroOrMore };
        var command = new Command("pull", "Download data from a remote repository.") { repo, depth, mirror, remote, refs };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var repository = repo.Open(parseResult);
            var progress = ConsoleProgress.ForStandardError();
            var options = new PullOptions { Depth = parseResult.GetValue(depth), Mirror = parseResult.GetValue(mirror), Progress = progress };
            var branches = parseResult.GetValue(refs) ?? [];
            if (branches.Length == 0)
            {
                if (!options.Mirror)
                {
                    throw new AptOstreeException(OstreeErrorCodes.InvalidOption, "No branches given (use --mirror to fetch all refs)");
                }

                foreach (var (name, commit) in await new RepositoryPuller(repository).MirrorRemoteAsync(parseResult.GetValue(remote)!, options, cancellationToken))
                {
                    Console.WriteLine($"{name}: {commit}");
                }

                progress.Complete(progress.Summary("pull", ProgressUnit.Objects));
                return 0;
            }

            foreach (var r in branches)
            {
                var commit = await repository.PullAsync(parseResult.GetValue(remote)!, r, options, cancellationToken);
                Console.WriteLine($"{r}: {commit}");
            }

            progress.Complete(progress.Summary("pull", ProgressUnit.Objects));
            return 0;
        });
        return command;
    }
}
