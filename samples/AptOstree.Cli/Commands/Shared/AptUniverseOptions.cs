using System.CommandLine;
using AptOstree.Deb.Apt;
using AptOstree.Deb.Solver;

namespace AptOstree.Cli.Commands;

/// <summary>Options shared by the `apt` verbs that need a package universe.</summary>
internal sealed class AptUniverseOptions
{
    public Option<string> Lists { get; } = CreateListsOption();

    public Option<string> Status { get; } = new("--status") { Description = "dpkg status file of the target root; 'none' for an empty root.", DefaultValueFactory = _ => AptListsDirectory.DefaultStatusPath };

    public Option<string?> Architecture { get; } = new("--arch") { Description = "Native architecture (default: this machine's)." };

    public Option<string> EtcApt { get; } = CreateEtcAptOption();

    /// <summary>The list directory: one option, one default (APT's) for update and every reader.</summary>
    public static Option<string> CreateListsOption() =>
        new("--lists", "--cache") { Description = "List directory with the Packages indexes (APT's naming).", DefaultValueFactory = _ => AptListsDirectory.DefaultPath };

    /// <summary>The directory with sources.list and sources.list.d.</summary>
    public static Option<string> CreateEtcAptOption() =>
        new("--etc-apt") { Description = "Directory with sources.list and sources.list.d.", DefaultValueFactory = _ => "/etc/apt" };

    public void AddTo(Command command)
    {
        command.Options.Add(Lists);
        command.Options.Add(Status);
        command.Options.Add(Architecture);
        command.Options.Add(EtcApt);
    }

    public PackageUniverse Load(ParseResult parse)
    {
        string status = parse.GetValue(Status)!;
        string etc = parse.GetValue(EtcApt)!;
        IReadOnlyList<AptSource> sources;
        try
        {
            sources = SourcesList.LoadHost(etc);
        }
        catch (InvalidFormatException) when (parse.GetResult(EtcApt) is null)
        {
            // The host's sources only help find download locations; a broken one does not stop a resolve.
            sources = [];
        }

        return AptListsDirectory.LoadUniverse(parse.GetValue(Lists)!, status is "none" or "" ? null : status, parse.GetValue(Architecture), sources: sources);
    }
}
