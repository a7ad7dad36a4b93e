using System.CommandLine;
using AptOstree.Cli;
using AptOstree.Cli.Commands;

var root = new RootCommand("apt-ostree: image-based (atomic) OS management for Debian and Ubuntu.");
root.Subcommands.Add(DebCommand.Create());
root.Subcommands.Add(AptCommand.Create());
root.Subcommands.Add(OstreeCommand.Create());
root.Subcommands.Add(AdminCommand.Create());
LayeringCommand.AddTo(root);
return await CliRunner.RunAsync(root, args).ConfigureAwait(false);
