using System.CommandLine;
using AptOstree.Compose.Layering;

namespace AptOstree.Cli.Commands;

/// <summary>`apt-ostree install|uninstall|upgrade|reset|rollback|cleanup`: layering transactions that deploy a new default (or staged) deployment, and cleanup.</summary>
internal static class LayeringTransactionCommands
{
    public static Command CreateInstall()
    {
        var packages = new Argument<string[]>("PACKAGE") { Description = "Package names or local .deb files (./FILE.deb).", Arity = ArgumentArity.OneOrMore };
        var command = Transaction("install", "Layer packages onto the booted (or default) deployment.", packages, out var common);
        command.SetAction(LayeringCommand.Guard(async (parse, ct) =>
        {
            var layering = LayeringCommand.Factory.Open(parse.GetValue(common.Sysroot)!);
            var result = await layering.InstallAsync(parse.GetValue(packages)!, common.Options(parse), ct).ConfigureAwait(false);
            return Report(parse, common, result);
        }));
        return command;
    }

    public static Command CreateUninstall()
    {
        var packages = new Argument<string[]>("PACKAGE") { Description = "Layered package names.", Arity = ArgumentArity.ZeroOrMore };
        var all = new Option<bool>("--all") { Description = "Remove every layered package." };
        var command = Transaction("uninstall", "Remove layered packages.", packages, out var common);
        command.Options.Add(all);
        command.SetAction(LayeringCommand.Guard(async (parse, ct) =>
        {
            var names = parse.GetValue(packages) ?? [];
            if (names.Length == 0 && !parse.GetValue(all))
            {
                await Console.Error.WriteLineAsync("apt-ostree: uninstall needs PACKAGE… or --all").ConfigureAwait(false);
                return 1;
            }

            var layering = LayeringCommand.Factory.Open(parse.GetValue(common.Sysroot)!);
            var result = await layering.UninstallAsync(names, parse.GetValue(all), common.Options(parse), ct).ConfigureAwait(false);
            return Report(parse, common, result);
        }));
        return command;
    }

    public static Command CreateReset()
    {
        var command = Transaction("reset", "Remove all layered packages: deploy the base commit.", null, out var common);
        command.SetAction(LayeringCommand.Guard(async (parse, ct) =>
        {
            var layering = LayeringCommand.Factory.Open(parse.GetValue(common.Sysroot)!);
            var result = await layering.ResetAsync(common.Options(parse), ct).ConfigureAwait(false);
            return Report(parse, common, result);
        }));
        return command;
    }

    public static Command CreateUpgrade()
    {
        var command = Transaction("upgrade", "Deploy the origin's ref as the new base with the layered packages applied again.", null, out var common);
        command.SetAction(LayeringCommand.Guard(async (parse, ct) =>
        {
            var layering = LayeringCommand.Factory.Open(parse.GetValue(common.Sysroot)!);
            var result = await layering.UpgradeAsync(common.Options(parse), ct).ConfigureAwait(false);
            return Report(parse, common, result);
        }));
        return command;
    }

    public static Command CreateCleanup()
    {
        var sysroot = LayeringCommand.CreateSysrootOption();
        var pending = new Option<bool>("--pending", "-p") { Description = "Remove the pending deployment." };
        var rollback = new Option<bool>("--rollback", "-r") { Description = "Remove the rollback deployment." };
        var command = new Command("cleanup", "Remove the pending and/or rollback deployments.") { sysroot, pending, rollback };
        command.SetAction(LayeringCommand.Guard(async (parse, ct) =>
        {
            if (!parse.GetValue(pending) && !parse.GetValue(rollback))
            {
                await Console.Error.WriteLineAsync("apt-ostree: cleanup needs -p (pending) and/or -r (rollback)").ConfigureAwait(false);
                return 1;
            }

            var layering = LayeringCommand.Factory.Open(parse.GetValue(sysroot)!);
            var removed = layering.Cleanup(parse.GetValue(pending), parse.GetValue(rollback), ct);
            foreach (var d in removed)
            {
                Console.WriteLine($"Removed deployment {d.Stateroot} {d.Name}");
            }

            if (removed.Count == 0)
            {
                Console.WriteLine("No deployments to remove.");
            }

            return 0;
        }));
        return command;
    }

    public static Command CreateRollback()
    {
        var sysroot = LayeringCommand.CreateSysrootOption();
        var command = new Command("rollback", "Make the previous deployment the default.") { sysroot };
        command.SetAction(LayeringCommand.Guard((parse, ct) =>
        {
            var layering = LayeringCommand.Factory.Open(parse.GetValue(sysroot)!);
            var d = layering.Rollback(ct);
            Console.WriteLine($"Moving '{d.Name}' to be first deployment");
            return Task.FromResult(0);
        }));
        return command;
    }

    private static Command Transaction(string name, string description, Argument<string[]>? packages, out CommonOptions common)
    {
        common = new CommonOptions();
        var command = new Command(name, description) { common.Sysroot, common.DryRun, common.AssumeYes, common.Stage, common.UnchangedExit77 };
        if (packages is not null)
        {
            command.Arguments.Add(packages);
        }

        return command;
    }

    private static int Report(ParseResult parse, CommonOptions common, LayeringResult result)
    {
        var plan = result.Plan;
        Console.WriteLine($"Base commit: {plan.Base}");
        var requested = plan.RequestedPackages.Concat(plan.RequestedLocalPackages.Select(l => l.Name)).ToHashSet(StringComparer.Ordinal);
        foreach (var p in plan.Added)
        {
            Console.WriteLine($"  + {p}{(requested.Contains(p.Name) ? string.Empty : " (dependency)")}");
        }

        foreach (var p in plan.Removed)
        {
            Console.WriteLine($"  - {p}");
        }

        foreach (var n in plan.Inactive)
        {
            Console.WriteLine($"  inactive request (in the base): {n}");
        }

        foreach (var script in plan.Scripts)
        {
            Console.WriteLine($"  script {script}");
        }

        foreach (var trigger in plan.Triggers)
        {
            Console.WriteLine($"  trigger {trigger}");
        }

        if (plan.ScriptsUnknown.Count > 0)
        {
            Console.WriteLine($"  scripts known after the download: {string.Join(", ", plan.ScriptsUnknown.Select(p => p.Name))}");
        }

        Console.WriteLine($"Layered packages: {plan.Layered.Count}, installed size {plan.InstalledSize} KiB, to download {plan.DownloadSize} bytes");
        if (parse.GetValue(common.DryRun))
        {
            Console.WriteLine("Exiting because of '--dry-run' option");
            return 0;
        }

        if (!result.Changed)
        {
            Console.WriteLine("No changes.");
            return parse.GetValue(common.UnchangedExit77) ? LayeringCommand.Unchanged : 0;
        }

        Console.WriteLine($"Deployed {result.Deployment!.Stateroot} {result.Deployment.Name}{(result.Deployment.IsStaged ? " (staged)" : string.Empty)}");
        Console.WriteLine("Changes queued for next boot.");
        return 0;
    }

    private sealed class CommonOptions
    {
        public Option<string> Sysroot { get; } = LayeringCommand.CreateSysrootOption();

        public Option<bool> DryRun { get; } = new("--dry-run", "-n") { Description = "Show the plan (packages, sizes) and change nothing." };

        public Option<bool> AssumeYes { get; } = new("--assumeyes", "-y") { Description = "Do not ask for confirmation (nothing is asked; accepted for rpm-ostree compatibility)." };

        public Option<bool> Stage { get; } = new("--stage") { Description = "Stage the deployment; the boot configuration is written at shutdown." };

        public Option<bool> UnchangedExit77 { get; } = new("--unchanged-exit-77") { Description = "Exit with 77 when nothing changes." };

        public LayeringOptions Options(ParseResult parse) => new() { DryRun = parse.GetValue(DryRun), Stage = parse.GetValue(Stage) };
    }
}
