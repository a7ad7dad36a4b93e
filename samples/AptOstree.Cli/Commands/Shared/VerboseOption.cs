using System.CommandLine;

namespace AptOstree.Cli.Commands;

/// <summary>`-v`/`--verbose`, taken by every verb: the SDK's log events (Debug and above) go to stderr through the console logger.</summary>
internal static class VerboseOption
{
    public static Option<bool> Instance { get; } = new("--verbose", "-v")
    {
        Description = "Show the SDK's log events on stderr.",
        Recursive = true,
    };
}
