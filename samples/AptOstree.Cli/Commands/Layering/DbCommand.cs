using System.CommandLine;
using System.Text.Json;
using AptOstree.Compose.Layering;

namespace AptOstree.Cli.Commands;

/// <summary>`apt-ostree db list|diff`: the dpkg databases inside commits, read from the repository without checkouts.</summary>
internal static class DbCommand
{
    public static Command Create()
    {
        var sysroot = LayeringCommand.CreateSysrootOption();
        var command = new Command("db", "Query the package databases of commits.") { sysroot };
        command.Subcommands.Add(CreateList(sysroot));
        command.Subcommands.Add(CreateDiff(sysroot));
        return command;
    }

    private static Command CreateList(Option<string> sysroot)
    {
        var revision = new Argument<string?>("COMMIT") { Description = "A deployment index (0 = default), booted, a commit or a ref; default: the booted or default deployment.", Arity = ArgumentArity.ZeroOrOne };
        var pattern = new Argument<string?>("PATTERN") { Description = "Only packages whose name matches this glob (* and ?).", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("list", "List the packages in a commit.") { revision, pattern };
        command.SetAction(LayeringCommand.Guard((parse, _) =>
        {
            var layering = LayeringCommand.Factory.Open(parse.GetValue(sysroot)!);
            var commit = parse.GetValue(revision) is { } rev ? layering.ResolveRevision(rev) : DefaultCommit(layering);
            Console.WriteLine($"ostree commit: {commit}");
            foreach (var p in layering.ListPackages(commit, parse.GetValue(pattern)))
            {
                Console.WriteLine($" {p.Name} {p.Version} {p.Architecture}");
            }

            return Task.FromResult(0);
        }));
        return command;
    }

    private static Command CreateDiff(Option<string> sysroot)
    {
        var from = new Argument<string?>("FROM") { Description = "Older revision (deployment index, booted, commit or ref).", Arity = ArgumentArity.ZeroOrOne };
        var to = new Argument<string?>("TO") { Description = "Newer revision.", Arity = ArgumentArity.ZeroOrOne };
        var json = new Option<bool>("--json") { Description = "Print rpm-ostree's db diff --format=json document." };
        var format = new Option<string?>("--format", "-F") { Description = "json or diff (the default)." };
        var command = new Command("diff", "Show package changes between two commits (default: the booted, or rollback, deployment and the default one).") { from, to, json, format };
        command.SetAction(LayeringCommand.Guard((parse, _) =>
        {
            var layering = LayeringCommand.Factory.Open(parse.GetValue(sysroot)!);
            Checksum a, b;
            if (parse.GetValue(from) is { } f)
            {
                a = layering.ResolveRevision(f);
                b = parse.GetValue(to) is { } t ? layering.ResolveRevision(t) : DefaultCommit(layering);
            }
            else
            {
                var (x, y) = layering.DefaultDiffDeployments();
                (a, b) = (x.Commit, y.Commit);
            }

            var diff = layering.Diff(a, b);
            if (parse.GetValue(json) || parse.GetValue(format) == "json")
            {
                using var stdout = Console.OpenStandardOutput();
                using (var writer = new Utf8JsonWriter(stdout, new JsonWriterOptions { Indented = true }))
                {
                    LayeringJson.WriteDiff(writer, diff);
                }

                stdout.WriteByte((byte)'\n');
                return Task.FromResult(0);
            }

            Console.WriteLine($"ostree diff commit from: {a}");
            Console.WriteLine($"ostree diff commit to:   {b}");
            Section("Upgraded", diff.Upgraded, c => $"{c.Name} {c.Previous!.Version} -> {c.New!.Version}");
            Section("Downgraded", diff.Downgraded, c => $"{c.Name} {c.Previous!.Version} -> {c.New!.Version}");
            Section("Removed", diff.Removed, c => $"{c.Name} {c.Previous!.Version} {c.Previous.Architecture}");
            Section("Added", diff.Added, c => $"{c.Name} {c.New!.Version} {c.New.Architecture}");
            if (diff.Changes.Count == 0)
            {
                Console.WriteLine("No package changes.");
            }

            return Task.FromResult(0);
        }));
        return command;
    }

    private static Checksum DefaultCommit(PackageLayering layering)
    {
        var deployments = layering.Sysroot.GetDeployments();
        var d = deployments.FirstOrDefault(x => x.IsBooted) ?? (deployments.Count > 0 ? deployments[0]
            : throw new AptOstreeException(LayeringErrorCodes.NoDeployments, $"'{layering.Sysroot.Path}' has no deployments; name a commit."));
        return d.Commit;
    }

    private static void Section(string title, IEnumerable<PackageChange> changes, Func<PackageChange, string> line)
    {
        var list = changes.ToList();
        if (list.Count == 0)
        {
            return;
        }

        Console.WriteLine($"{title}:");
        foreach (var c in list)
        {
            Console.WriteLine($"  {line(c)}");
        }
    }
}
