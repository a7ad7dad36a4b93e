using System.CommandLine;

namespace AptOstree.Cli.Commands;

/// <summary>`apt-ostree compose …`: build OS trees from treefiles.</summary>
internal static class ComposeCommand
{
    public static Command Create() => new("compose", "Build OSTree commits of Debian systems from treefiles.") { ComposeTreeCommand.Create() };
}
