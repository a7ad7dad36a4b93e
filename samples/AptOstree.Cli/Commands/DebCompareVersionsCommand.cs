using System.CommandLine;

namespace AptOstree.Cli.Commands;

/// <summary>`apt-ostree deb compare-versions A OP B`.</summary>
internal static class DebCompareVersionsCommand
{
    public static Command Create()
    {
        var command = new Command("compare-versions", "Compare two Debian versions like dpkg --compare-versions (exit 0 when true, 1 when false).");
        return command;
    }
}
