using System.CommandLine;
using AptOstree.OSTree.Sysroot;

namespace AptOstree.Cli.Commands;

/// <summary>`apt-ostree admin deploy REFSPEC`: check out a commit as a new deployment.</summary>
internal static class AdminDeployCommand
{
    public static Command Create()
    {
        var refspec = new Argument<string>("refspec") { Description = "The ref (REMOTE:BRANCH, BRANCH) or commit to deploy." };
        var os = new Option<string?>("--os") { Description = "The stateroot to deploy into." };
        var karg = new Option<string[]>("--karg") { Description = "Set a kernel argument (repeatable; replaces the inherited ones)." };
        var kargAppend = new Option<string[]>("--karg-append") { Description = "Append a kernel argument to the inherited ones." };
        var kargDelete = new Option<string[]>("--karg-delete") { Description = "Delete a kernel argument (KEY or KEY=VALUE)." };
        var originFile = new Option<string?>("--origin-file") { Description = "Use this keyfile as the new deployment's origin." };
        var noMerge = new Option<bool>("--no-merge") { Description = "Do not carry local /etc changes over." };
        var retain = new Option<bool>("--retain") { Description = "Keep all existing deployments." };
        var notAsDefault = new Option<bool>("--not-as-default") { Description = "Add the deployment after the current default instead of first." };
        var noPrune = new Option<bool>("--no-prune") { Description = "Do not prune the repository afterwards." };
        var stage = new Option<bool>("--stage") { Description = "Prepare the deployment now; finalize-staged writes the boot configuration." };
        var command = new Command("deploy", "Check out a commit as a new deployment and make it the default boot entry.")
        {
            refspec, os, karg, kargAppend, kargDelete, originFile, noMerge, retain, notAsDefault, noPrune, stage,
        };
        command.SetAction(parse =>
        {
            string? origin = parse.GetValue(originFile);
            var kargs = parse.GetValue(karg);
            var options = new DeployOptions
            {
                Stateroot = parse.GetValue(os),
                KernelArguments = kargs is { Length: > 0 } ? kargs : null,
                AppendKernelArguments = parse.GetValue(kargAppend) ?? [],
                DeleteKernelArguments = parse.GetValue(kargDelete) ?? [],
                Origin = origin is null ? null : DeploymentOrigin.Parse(File.ReadAllText(origin), origin),
                NoMerge = parse.GetValue(noMerge),
                Retain = parse.GetValue(retain),
                NotAsDefault = parse.GetValue(notAsDefault),
                NoPrune = parse.GetValue(noPrune),
                Stage = parse.GetValue(stage),
            };
            var deployment = AdminCommand.Open(parse).Deploy(parse.GetValue(refspec)!, options);
            Console.WriteLine(deployment.IsStaged
                ? $"Staged deployment {deployment.Stateroot} {deployment.Name}; run finalize-staged to make it the default."
                : $"Deployed {deployment.Stateroot} {deployment.Name} as index {deployment.Index}.");
            return 0;
        });
        return command;
    }
}
