using System.CommandLine;

namespace AptOstree.Cli.Commands;

/// <summary>`apt-ostree admin rollback`: make the previous deployment the default.</summary>
internal static class AdminRollbackCommand
{
    public static Command Create()
    {
        var command = new Command("rollback", "Make the previous deployment the default boot entry.");
        command.SetAction(parse =>
        {
            var target = AdminCommand.Open(parse).Rollback();
            Console.WriteLine($"Default is now {target.Stateroot} {target.Name}.");
            return 0;
        });
        return command;
    }
}
