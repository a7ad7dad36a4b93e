using System.CommandLine;
using System.Globalization;

namespace AptOstree.Cli.Commands;

/// <summary>`apt-ostree admin pin INDEX... [--unpin]`.</summary>
internal static class AdminPinCommand
{
    public static Command Create()
    {
        var indexes = new Argument<int[]>("index") { Description = "Indexes of deployments to pin.", Arity = ArgumentArity.OneOrMore };
        var unpin = new Option<bool>("--unpin", "-u") { Description = "Unpin instead." };
        var command = new Command("pin", "Keep deployments from being garbage-collected.") { indexes, unpin };
        command.SetAction(parse =>
        {
            var sysroot = AdminCommand.Open(parse);
            bool pinned = !parse.GetValue(unpin);
            foreach (int i in parse.GetValue(indexes)!)
            {
                sysroot.SetPinned(i, pinned);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Deployment {i} is now {(pinned ? "pinned" : "unpinned")}"));
            }

            return 0;
        });
        return command;
    }
}
