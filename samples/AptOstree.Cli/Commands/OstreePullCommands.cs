using System.CommandLine;
using AptOstree.OSTree;

namespace AptOstree.Cli.Commands;

/// <summary>`pull REMOTE REF`, `pull-local SRC [REF]`, `remote add|list|delete`.</summary>
internal static class OstreePullCommands
{
    public static IEnumerable<Command> Create()
    {
        yield return Pull();
        yield return PullLocal();
        yield return Remote();
    }

    private static Command Pull()
    {
        var repo = OstreeCommand.RepoOption();
        var depth = new Option<int>("--depth") { Description = "Traverse DEPTH parents (-1=infinite) (default: 0)." };
        var remote = new Argument<string>("REMOTE");
        var refs = new Argument<string[]>("BRANCH") { Arity = ArgumentArity.OneOrMore };
        var command = new Command("pull", "Download data from a remote repository.") { repo, depth, remote, refs };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var repository = OstreeCommand.OpenRepo(parseResult, repo);
            foreach (var r in parseResult.GetValue(refs) ?? [])
            {
                var commit = await repository.PullAsync(parseResult.GetValue(remote)!, r, new PullOptions { Depth = parseResult.GetValue(depth) }, cancellationToken);
                Console.WriteLine($"{r}: {commit}");
            }

            return 0;
        });
        return command;
    }

    private static Command PullLocal()
    {
        var repo = OstreeCommand.RepoOption();
        var depth = new Option<int>("--depth") { Description = "Traverse DEPTH parents (-1=infinite) (default: 0)." };
        var remoteName = new Option<string?>("--remote") { Description = "Add REMOTE to refspec." };
        var source = new Argument<string>("SRC_REPO");
        var refs = new Argument<string[]>("REF") { Arity = ArgumentArity.ZeroOrMore };
        var command = new Command("pull-local", "Copy data from SRC_REPO.") { repo, depth, remoteName, source, refs };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var repository = OstreeCommand.OpenRepo(parseResult, repo);
            string src = parseResult.GetValue(source)!;
            var list = parseResult.GetValue(refs) is { Length: > 0 } given ? given : OstreeRepository.Open(src).Refs.List().Keys.Where(k => !k.Contains(':', StringComparison.Ordinal)).ToArray();
            foreach (var r in list)
            {
                await repository.PullLocalAsync(src, r, new PullOptions { Depth = parseResult.GetValue(depth), Remote = parseResult.GetValue(remoteName) }, cancellationToken);
            }

            return 0;
        });
        return command;
    }

    private static Command Remote()
    {
        var command = new Command("remote", "Remote commands that may involve network access.");
        var repo = OstreeCommand.RepoOption();
        var noGpg = new Option<bool>("--no-gpg-verify") { Description = "Disable GPG verification." };
        var name = new Argument<string>("NAME");
        var url = new Argument<string>("URL");
        var add = new Command("add", "Add a remote repository.") { repo, noGpg, name, url };
        add.SetAction(parseResult =>
        {
            OstreeCommand.OpenRepo(parseResult, repo).Remotes.Add(parseResult.GetValue(name)!, parseResult.GetValue(url)!, gpgVerify: !parseResult.GetValue(noGpg));
            return 0;
        });
        var listRepo = OstreeCommand.RepoOption();
        var list = new Command("list", "List remote repository names.") { listRepo };
        list.SetAction(parseResult =>
        {
            foreach (var r in OstreeCommand.OpenRepo(parseResult, listRepo).Remotes.List())
            {
                Console.WriteLine(r.Name);
            }

            return 0;
        });
        var delRepo = OstreeCommand.RepoOption();
        var delName = new Argument<string>("NAME");
        var delete = new Command("delete", "Delete a remote repository.") { delRepo, delName };
        delete.SetAction(parseResult => OstreeCommand.OpenRepo(parseResult, delRepo).Remotes.Remove(parseResult.GetValue(delName)!) ? 0 : 1);
        command.Subcommands.Add(add);
        command.Subcommands.Add(list);
        command.Subcommands.Add(delete);
        return command;
    }
}
