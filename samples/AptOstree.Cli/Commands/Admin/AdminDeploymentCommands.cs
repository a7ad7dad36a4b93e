using AptOstree.OSTree;
using System.CommandLine;
using System.Globalization;

namespace AptOstree.Cli.Commands;

/// <summary>`apt-ostree admin rollback | undeploy INDEX | pin INDEX [--unpin] | cleanup | set-origin`.</summary>
internal static class AdminDeploymentCommands
{
    public static Command CreateRollback()
    {
        var command = new Command("rollback", "Make the previous deployment the default boot entry.");
        command.SetAction(AdminCommand.Guard(parse =>
        {
            var target = AdminCommand.Open(parse).Rollback();
            Console.WriteLine($"Default is now {target.Stateroot} {target.Name}.");
            return 0;
        }));
        return command;
    }

    public static Command CreateUndeploy()
    {
        var index = new Argument<int>("index") { Description = "Index of the deployment to remove." };
        var command = new Command("undeploy", "Remove a deployment (not the booted one).") { index };
        command.SetAction(AdminCommand.Guard(parse =>
        {
            int i = parse.GetValue(index);
            AdminCommand.Open(parse).Undeploy(i);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Deleted deployment {i}"));
            return 0;
        }));
        return command;
    }

    public static Command CreatePin()
    {
        var indexes = new Argument<int[]>("index") { Description = "Indexes of deployments to pin.", Arity = ArgumentArity.OneOrMore };
        var unpin = new Option<bool>("--unpin", "-u") { Description = "Unpin instead." };
        var command = new Command("pin", "Keep deployments from being garbage-collected.") { indexes, unpin };
        command.SetAction(AdminCommand.Guard(parse =>
        {
            var sysroot = AdminCommand.Open(parse);
            bool pinned = !parse.GetValue(unpin);
            foreach (int i in parse.GetValue(indexes)!)
            {
                sysroot.SetPinned(i, pinned);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Deployment {i} is now {(pinned ? "pinned" : "unpinned")}"));
            }

            return 0;
        }));
        return command;
    }

    public static Command CreateCleanup()
    {
        var noPrune = new Option<bool>("--no-prune") { Description = "Do not prune the repository." };
        var command = new Command("cleanup", "Remove unreferenced deployments, boot files and leftovers; prune the repository.") { noPrune };
        command.SetAction(AdminCommand.Guard(parse =>
        {
            AdminCommand.Open(parse).Cleanup(prune: !parse.GetValue(noPrune));
            return 0;
        }));
        return command;
    }

    public static Command CreateSetOrigin()
    {
        var remote = new Argument<string>("remote") { Description = "Remote name." };
        var url = new Argument<string>("url") { Description = "Remote URL (added to the repository when the remote is new)." };
        var branch = new Argument<string?>("branch") { Description = "Branch; default: the deployment's current one.", Arity = ArgumentArity.ZeroOrOne };
        var index = new Option<int>("--index") { Description = "Deployment index (default 0)." };
        var command = new Command("set-origin", "Point a deployment's origin at REMOTE:BRANCH.") { remote, url, branch, index };
        command.SetAction(AdminCommand.Guard(parse =>
        {
            var sysroot = AdminCommand.Open(parse);
            var target = sysroot.GetDeployments()[parse.GetValue(index)];
            string name = parse.GetValue(remote)!;
            var repository = (sysroot.Repository as AptOstree.OSTree.Sysroot.OstreeRepositorySysrootRepository)?.Repository
                ?? throw new AptOstreeException(DeploymentErrorCodes.NotASysroot, "The sysroot has no ostree/repo.");
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
        }));
        return command;
    }
}
