using System.CommandLine;
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
            var sources = SourcesList.LoadHost(parse.GetValue(etc)!);
            var paths = await new RepositoryClient().UpdateAllAsync(sources, parse.GetValue(cache)!, parse.GetValue(arch) ?? AptListsDirectory.NativeArchitecture, ct);
            foreach (var p in paths)
            {
                Console.WriteLine(p);
            }

            return 0;
        });
        return command;
    }
}
