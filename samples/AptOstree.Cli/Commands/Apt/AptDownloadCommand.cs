using System.CommandLine;
using AptOstree.Cli.Progress;
using AptOstree.Deb.Apt;
using AptOstree.Deb.Solver;

namespace AptOstree.Cli.Commands;

/// <summary>`apt-ostree apt download PKG...`: download candidate .debs, verified against the index.</summary>
internal static class AptDownloadCommand
{
    public static Command Create()
    {
        var command = new Command("download", "Download the candidate .deb of each package (SHA-256 verified) into a directory.");
        var universe = new AptUniverseOptions();
        universe.AddTo(command);
        var output = new Option<string>("--output", "-o") { Description = "Target directory.", DefaultValueFactory = _ => "." };
        var packages = new Argument<string[]>("packages") { Arity = ArgumentArity.OneOrMore };
        command.Options.Add(output);
        command.Arguments.Add(packages);
        command.SetAction(async (parse, ct) =>
        {
            var u = universe.Load(parse);
            var solver = new DependencySolver(u);
            var wanted = parse.GetValue(packages)!.Select(PackageRequest.Parse)
                .Select(r => u.Packages[solver.FindRequested(r)]).ToList();
            var progress = ConsoleProgress.ForStandardError();
            var files = await new PackageDownloader().DownloadAsync(wanted, parse.GetValue(output)!, progress, ct);
            progress.Complete(progress.Summary("download", ProgressUnit.Bytes));
            foreach (var f in files)
            {
                Console.WriteLine(f);
            }

            return 0;
        });
        return command;
    }
}
