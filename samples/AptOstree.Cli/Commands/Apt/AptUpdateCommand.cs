using System.CommandLine;
using System.Globalization;
using AptOstree.Cli.Progress;
using AptOstree.Deb.Apt;

namespace AptOstree.Cli.Commands;

/// <summary>`apt-ostree apt update`: fetch and verify the indexes of the configured sources into a list cache.</summary>
internal static class AptUpdateCommand
{
    public static Command Create()
    {
        var command = new Command("update", "Fetch InRelease and Packages of the configured sources (the host's /etc/apt by default), verified, into the list directory the other verbs read.");
        var etc = AptUniverseOptions.CreateEtcAptOption();
        var cache = AptUniverseOptions.CreateListsOption();
        var arch = new Option<string?>("--arch") { Description = "Architecture (default: this machine's)." };
        command.Options.Add(etc);
        command.Options.Add(cache);
        command.Options.Add(arch);
        command.SetAction(async (parse, ct) =>
        {
            // One step per source, so the progress line can say which repository is being fetched.
            var sources = SourcesList.LoadHost(parse.GetValue(etc)!).Where(s => s.Type == "deb").ToList();
            var client = new RepositoryClient();
            var progress = ConsoleProgress.ForStandardError();
            var paths = new List<string>();
            for (int i = 0; i < sources.Count; i++)
            {
                progress.Report(new OperationProgress("update", i, sources.Count, ProgressUnit.Steps, $"{sources[i].Uri} {sources[i].Suite}"));
                paths.AddRange(await client.UpdateAsync(sources[i], parse.GetValue(cache)!, parse.GetValue(arch) ?? AptListsDirectory.NativeArchitecture, ct));
            }

            progress.Report(new OperationProgress("update", sources.Count, sources.Count, ProgressUnit.Steps));
            progress.Complete(string.Create(CultureInfo.InvariantCulture, $"Fetched {paths.Count} index files from {sources.Count} sources in {progress.Elapsed.TotalSeconds:0.0} s."));
            foreach (var p in paths)
            {
                Console.WriteLine(p);
            }

            return 0;
        });
        return command;
    }
}
