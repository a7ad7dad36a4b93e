using System.CommandLine;
using AptOstree.OSTree.Sysroot;

namespace AptOstree.Cli.Commands;

/// <summary>`apt-ostree admin kargs [--append|--replace|--delete]`: show or change a deployment's kernel arguments.</summary>
internal static class AdminKargsCommand
{
    public static Command Create()
    {
        var index = new Option<int>("--deployment") { Description = "Deployment index (default 0)." };
        var append = new Option<string[]>("--append") { Description = "Append KEY=VALUE." };
        var replace = new Option<string[]>("--replace") { Description = "Replace KEY=VALUE or KEY=OLD=NEW." };
        var delete = new Option<string[]>("--delete") { Description = "Delete KEY or KEY=VALUE." };
        var command = new Command("kargs", "Show or change a deployment's kernel arguments.") { index, append, replace, delete };
        command.SetAction(parse =>
        {
            var sysroot = AdminCommand.Open(parse);
            int i = parse.GetValue(index);
            var target = sysroot.GetDeployments()[i];
            var kargs = target.KernelArguments;
            bool changed = false;
            foreach (var a in parse.GetValue(append) ?? [])
            {
                kargs = kargs.Append(a);
                changed = true;
            }

            foreach (var r in parse.GetValue(replace) ?? [])
            {
                kargs = kargs.Replace(r);
                changed = true;
            }

            foreach (var d in parse.GetValue(delete) ?? [])
            {
                kargs = kargs.Delete(d);
                changed = true;
            }

            if (changed)
            {
                kargs = sysroot.SetKernelArguments(i, kargs).KernelArguments;
            }

            Console.WriteLine(kargs.ToString());
            return 0;
        });
        command.Subcommands.Add(AdminKargsEditInPlaceCommand.Create());
        return command;
    }
}
