using System.CommandLine;

namespace AptOstree.Cli.Commands;

/// <summary>`apt-ostree admin os-init NAME` (alias `stateroot-init`).</summary>
internal static class AdminOsInitCommand
{
    public static Command Create()
    {
        var name = new Argument<string>("osname") { Description = "The stateroot (OS) name." };
        var command = new Command("os-init", "Initialize an empty stateroot (ostree/deploy/NAME with its shared /var).") { name };
        command.Aliases.Add("stateroot-init");
        command.SetAction(parse =>
        {
            string os = parse.GetValue(name)!;
            AdminCommand.Open(parse).InitializeStateroot(os);
            Console.WriteLine($"ostree/deploy/{os} initialized as OSTree root");
            return 0;
        });
        return command;
    }
}
