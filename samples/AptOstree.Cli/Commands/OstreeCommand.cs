using System.CommandLine;

namespace AptOstree.Cli.Commands;

/// <summary>`apt-ostree ostree …`.</summary>
internal static class OstreeCommand
{
    public static Command Create()
    {
        var command = new Command("ostree", "Manage an OSTree repository (libostree-compatible).");
        return command;
    }
}
