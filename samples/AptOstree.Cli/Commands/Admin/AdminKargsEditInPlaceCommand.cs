using System.CommandLine;

namespace AptOstree.Cli.Commands;

/// <summary>`apt-ostree admin kargs edit-in-place [--append-if-missing=ARG] [--delete-if-present=ARG]`.</summary>
internal static class AdminKargsEditInPlaceCommand
{
    public static Command Create()
    {
        var appendIfMissing = new Option<string[]>("--append-if-missing") { Description = "Append an argument unless it is present." };
        var deleteIfPresent = new Option<string[]>("--delete-if-present") { Description = "Delete an argument when it is present." };
        var command = new Command("edit-in-place", "Change the kernel arguments of every deployment.") { appendIfMissing, deleteIfPresent };
        command.SetAction(parse =>
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
        });
        return command;
    }
}
