using System.CommandLine;
using AptOstree.OSTree;

namespace AptOstree.Cli.Commands;

/// <summary>`apt-ostree admin set-origin REMOTE URL [BRANCH] [--index=N]`.</summary>
internal static class AdminSetOriginCommand
{
    public static Command Create()
    {
        var remote = new Argument<string>("remote") { Description = "Remote name." };
        var url = new Argument<string>("url") { Description = "Remote URL (added to the repository when the remote is new)." };
        var branch = new Argument<string?>("branch") { Description = "Branch; default: the deployment's current one.", Arity = ArgumentArity.ZeroOrOne };
        var index = new Option<int>("--index") { Description = "Deployment index (default 0)." };
        var command = new Command("set-origin", "Point a deployment's origin at REMOTE:BRANCH.") { remote, url, branch, index };
        command.SetAction(parse =>
        {
            var sysroot = AdminCommand.Open(parse);
            var target = sysroot.GetDeployments()[parse.GetValue(index)];
            string name = parse.GetValue(remote)!;
            var repository = sysroot.Repository;
            if (repository.Remotes.Get(name) is null)
            {
                repository.Remotes.Add(name, parse.GetValue(url)!);
            }

            string current = target.Origin?.Refspec ?? string.Empty;
            string currentBranch = current.Contains(':', StringComparison.Ordinal) ? current[(current.IndexOf(':', StringComparison.Ordinal) + 1)..] : current;
            string newBranch = parse.GetValue(branch) ?? currentBranch;
            var origin = (target.Origin ?? AptOstree.OSTree.Sysroot.DeploymentOrigin.ForRefspec(newBranch)).WithRefspec($"{name}:{newBranch}");
            sysroot.SetOrigin(target.Index, origin);
            return 0;
        });
        return command;
    }
}
