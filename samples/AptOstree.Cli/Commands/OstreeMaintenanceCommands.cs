using System.CommandLine;
using AptOstree.OSTree;

namespace AptOstree.Cli.Commands;

/// <summary>`fsck`, `prune`, `summary -u`.</summary>
internal static class OstreeMaintenanceCommands
{
    public static IEnumerable<Command> Create()
    {
        yield return Fsck();
        yield return Prune();
        yield return Summary();
    }

    private static Command Fsck()
    {
        var repo = OstreeCommand.RepoOption();
        var command = new Command("fsck", "Check the repository for consistency.") { repo };
        command.SetAction(parseResult =>
        {
            var result = OstreeCommand.OpenRepo(parseResult, repo).Fsck();
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

    private static Command Prune()
    {
        var repo = OstreeCommand.RepoOption();
        var refsOnly = new Option<bool>("--refs-only") { Description = "Only compute reachability via refs." };
        var depth = new Option<int>("--depth") { Description = "Only traverse DEPTH parents for each commit (default: -1=infinite).", DefaultValueFactory = _ => -1 };
        var noPrune = new Option<bool>("--no-prune") { Description = "Only display unreachable objects; don't delete." };
        var command = new Command("prune", "Search for unreachable objects.") { repo, refsOnly, depth, noPrune };
        command.SetAction(parseResult =>
        {
            var result = OstreeCommand.OpenRepo(parseResult, repo).Prune(new PruneOptions
            {
                RefsOnly = parseResult.GetValue(refsOnly),
                Depth = parseResult.GetValue(depth),
                DryRun = parseResult.GetValue(noPrune),
            });
            Console.WriteLine($"Total objects: {result.ObjectsTotal}");
            Console.WriteLine(result.ObjectsPruned == 0
                ? "No unreachable objects"
                : $"{(parseResult.GetValue(noPrune) ? "Would delete" : "Deleted")} {result.ObjectsPruned} objects, {result.BytesFreed} bytes freed");
            return 0;
        });
        return command;
    }

    private static Command Summary()
    {
        var repo = OstreeCommand.RepoOption();
        var update = new Option<bool>("--update", "-u") { Description = "Update the summary." };
        var sign = new Option<string[]>("--sign") { Description = "Key ID to sign the summary with (base64 ed25519 secret key).", Arity = ArgumentArity.OneOrMore, AllowMultipleArgumentsPerToken = false };
        var signType = new Option<string>("--sign-type") { Description = "Signature type to use (defaults to 'ed25519').", DefaultValueFactory = _ => "ed25519" };
        var command = new Command("summary", "Manage summary metadata.") { repo, update, sign, signType };
        command.SetAction(parseResult =>
        {
            var repository = OstreeCommand.OpenRepo(parseResult, repo);
            if (parseResult.GetValue(update))
            {
                if (parseResult.GetValue(signType) != "ed25519")
                {
                    Console.Error.WriteLine("apt-ostree: error: only --sign-type=ed25519 is supported");
                    return 1;
                }

                SummaryWriter.Update(repository, (parseResult.GetValue(sign) ?? []).Select(Convert.FromBase64String).ToArray());
                return 0;
            }

            string path = Path.Combine(repository.Path, "summary");
            foreach (var (name, (commit, size)) in SummaryWriter.ParseRefs(File.ReadAllBytes(path), path).OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                Console.WriteLine($"* {name}\n    Latest Commit ({size} bytes):\n      {commit}");
            }

            return 0;
        });
        return command;
    }
}
