using System.CommandLine;
using AptOstree.OSTree;

namespace AptOstree.Cli.Commands;

/// <summary>`fsck`, `prune`.</summary>
internal static class OstreeMaintenanceCommands
{
    public static IEnumerable<Command> Create()
    {
        yield return Fsck();
        yield return Prune();
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
}
