using System.CommandLine;
using AptOstree.OSTree;

namespace AptOstree.Cli.Commands;

/// <summary>`apt-ostree ostree prune [--refs-only] [--depth=N] [--no-prune]`: delete unreachable objects.</summary>
internal static class OstreePruneCommand
{
    public static Command Create()
    {
        var repo = new RepoOption();
        var refsOnly = new Option<bool>("--refs-only") { Description = "Only compute reachability via refs." };
        var depth = new Option<int>("--depth") { Description = "Only traverse DEPTH parents for each commit (default: -1=infinite).", DefaultValueFactory = _ => -1 };
        var noPrune = new Option<bool>("--no-prune") { Description = "Only display unreachable objects; don't delete." };
        var command = new Command("prune", "Search for unreachable objects.") { repo, refsOnly, depth, noPrune };
        command.SetAction(parseResult =>
        {
            var result = repo.Open(parseResult).Prune(new PruneOptions
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
