using System.CommandLine;
using AptOstree.Compose.Layering;
using AptOstree.Posix;

namespace AptOstree.Cli.Commands;

/// <summary>Shared pieces of the top-level layering verbs (`status`, `db`, `install`, …): `--sysroot` and error handling.</summary>
internal static class LayeringCommand
{
    /// <summary>Exit status of `--unchanged-exit-77` when nothing changed (rpm-ostree's).</summary>
    public const int Unchanged = 77;

    /// <summary>`--sysroot=DIR` (default `/`).</summary>
    public static Option<string> CreateSysrootOption() => new("--sysroot")
    {
        Description = "Use the sysroot at DIR instead of /.",
        DefaultValueFactory = _ => "/",
        Recursive = true,
    };

    public static PackageLayeringFactory Factory { get; } = new(LibcPosixFileSystem.Instance);

    /// <summary>Adds every layering verb to <paramref name="root"/>.</summary>
    public static void AddTo(RootCommand root)
    {
        root.Subcommands.Add(StatusCommand.Create());
        root.Subcommands.Add(DbCommand.Create());
        root.Subcommands.Add(LayeringTransactionCommands.CreateInstall());
        root.Subcommands.Add(LayeringTransactionCommands.CreateUninstall());
        root.Subcommands.Add(LayeringTransactionCommands.CreateReset());
        root.Subcommands.Add(LayeringTransactionCommands.CreateUpgrade());
        root.Subcommands.Add(LayeringTransactionCommands.CreateRollback());
        root.Subcommands.Add(LayeringTransactionCommands.CreateCleanup());
    }

    /// <summary>
    /// A verb's action. Errors are not caught here: an <see cref="AptOstreeException"/> reaches CliRunner, which prints
    /// the one coded error line and exits 2, as for every other verb.
    /// </summary>
    public static Func<ParseResult, CancellationToken, Task<int>> Guard(Func<ParseResult, CancellationToken, Task<int>> action) => action;
}
