using System.CommandLine;

namespace AptOstree.Cli.Commands;

/// <summary>`apt-ostree admin finalize-staged`: complete a staged deployment.</summary>
internal static class AdminFinalizeStagedCommand
{
    public static Command Create()
    {
        var command = new Command("finalize-staged", "Complete a staged deployment: /etc merge, kernel, boot configuration.");
        command.SetAction(parse =>
        {
            var deployment = AdminCommand.Open(parse).FinalizeStaged();
            Console.WriteLine($"Finalized {deployment.Stateroot} {deployment.Name} as index {deployment.Index}.");
            return 0;
        });
        return command;
    }
}
