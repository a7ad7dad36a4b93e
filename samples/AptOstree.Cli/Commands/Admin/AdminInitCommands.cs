using System.CommandLine;

namespace AptOstree.Cli.Commands;

/// <summary>`apt-ostree admin init-fs PATH` and `admin os-init NAME`.</summary>
internal static class AdminInitCommands
{
    public static Command CreateInitFs()
    {
        var path = new Argument<string>("path") { Description = "The directory to make a sysroot." };
        var modern = new Option<bool>("--modern") { Description = "Only create boot/ and ostree/ (no dev, proc, run, sys, root, tmp, home)." };
        var command = new Command("init-fs", "Initialize a root filesystem: top-level directories, ostree/repo, ostree/deploy.") { path, modern };
        command.SetAction(AdminCommand.Guard(parse =>
        {
            AdminCommand.Factory.InitializeFileSystem(parse.GetValue(path)!, parse.GetValue(modern));
            return 0;
        }));
        return command;
    }

    public static Command CreateOsInit()
    {
        var name = new Argument<string>("osname") { Description = "The stateroot (OS) name." };
        var command = new Command("os-init", "Initialize an empty stateroot (ostree/deploy/NAME with its shared /var).") { name };
        command.Aliases.Add("stateroot-init");
        command.SetAction(AdminCommand.Guard(parse =>
        {
            string os = parse.GetValue(name)!;
            AdminCommand.Open(parse).InitializeStateroot(os);
            Console.WriteLine($"ostree/deploy/{os} initialized as OSTree root");
            return 0;
        }));
        return command;
    }
}
