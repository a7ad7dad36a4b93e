using System.CommandLine;
using AptOstree.OSTree.Sysroot;

namespace AptOstree.Cli.Commands;

/// <summary>`apt-ostree admin kargs [--append|--replace|--delete] | kargs edit-in-place`.</summary>
internal static class AdminKargsCommand
{
    public static Command Create()
    {
        var index = new Option<int>("--deployment") { Description = "Deployment index (default 0)." };
        var append = new Option<string[]>("--append") { Description = "Append KEY=VALUE." };
        var replace = new Option<string[]>("--replace") { Description = "Replace KEY=VALUE or KEY=OLD=NEW." };
        var delete = new Option<string[]>("--delete") { Description = "Delete KEY or KEY=VALUE." };
        var command = new Command("kargs", "Show or change a deployment's kernel arguments.") { index, append, replace, delete };
        command.SetAction(AdminCommand.Guard(parse =>
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
        }));

        var appendIfMissing = new Option<string[]>("--append-if-missing") { Description = "Append an argument unless it is present." };
        var deleteIfPresent = new Option<string[]>("--delete-if-present") { Description = "Delete an argument when it is present." };
        var editInPlace = new Command("edit-in-place", "Change the kernel arguments of every deployment.") { appendIfMissing, deleteIfPresent };
        editInPlace.SetAction(AdminCommand.Guard(parse =>
        {
            var add = parse.GetValue(appendIfMissing) ?? [];
            var remove = parse.GetValue(deleteIfPresent) ?? [];
            AdminCommand.Open(parse).EditKernelArgumentsInPlace(k =>
            {
                foreach (var a in add)
                {
                    k = k.AppendIfMissing(a);
                }

                foreach (var d in remove)
                {
                    k = k.Arguments.Contains(d, StringComparer.Ordinal) ? k.Delete(d) : k;
                }

                return k;
            });
            return 0;
        }));
        command.Subcommands.Add(editInPlace);
        return command;
    }
}
