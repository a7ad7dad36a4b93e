using System.CommandLine;
using AptOstree.Deb.Apt;
using AptOstree.Deb.Solver;

namespace AptOstree.Cli.Commands;

/// <summary>Options shared by the `apt` verbs that need a package universe.</summary>
internal sealed class AptUniverseOptions
{
    public Option<string> Lists { get; } = new("--lists") { Description = "Directory with Packages indexes (APT's list directory).", DefaultValueFactory = _ => AptListsDirectory.DefaultPath };

    public Option<string> Status { get; } = new("--status") { Description = "dpkg status file of the target root; 'none' for an empty root.", DefaultValueFactory = _ => AptListsDirectory.DefaultStatusPath };

    public Option<string?> Architecture { get; } = new("--arch") { Description = "Native architecture (default: this machine's)." };

    public void AddTo(Command command)
    {
        command.Options.Add(Lists);
        command.Options.Add(Status);
        command.Options.Add(Architecture);
    }

    public PackageUniverse Load(ParseResult parse)
    {
        string status = parse.GetValue(Status)!;
        return AptListsDirectory.LoadUniverse(parse.GetValue(Lists)!, status is "none" or "" ? null : status, parse.GetValue(Architecture));
    }
}
