using System.CommandLine;
using AptOstree.OSTree.Sysroot;

namespace AptOstree.Cli.Commands;

/// <summary>`apt-ostree admin init-fs PATH [--modern]`.</summary>
internal static class AdminInitFsCommand
{
    public static Command Create()
    {
        var path = new Argument<string>("path") { Description = "The directory to make a sysroot." };
        var modern = new Option<bool>("--modern") { Description = "Only create boot/ and ostree/ (no dev, proc, run, sys, root, tmp, home)." };
        var command = new Command("init-fs", "Initialize a root filesystem: top-level directories, ostree/repo, ostree/deploy.") { path, modern };
        command.SetAction(parse =>
        {
            parse.GetRequiredService<OstreeSysrootFactory>().InitializeFileSystem(parse.GetValue(path)!, parse.GetValue(modern));
            return 0;
        });
        return command;
    }
}
