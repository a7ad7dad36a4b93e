using AptOstree.Deb;
using System.CommandLine;
using System.Text.Json;
using AptOstree.Deb.Solver;

namespace AptOstree.Cli.Commands;

/// <summary>`apt-ostree apt resolve [--json] [--no-recommends] [--variant V] install PKG...`.</summary>
internal static class AptResolveCommand
{
    public static Command Create()
    {
        var command = new Command("resolve", "Resolve a request against the configured indexes and print the packages to install, in install order.");
        var universe = new AptUniverseOptions();
        universe.AddTo(command);
        var json = new Option<bool>("--json") { Description = "Print JSON instead of apt-style lines." };
        var noRecommends = new Option<bool>("--no-recommends") { Description = "Do not install Recommends." };
        var variant = new Option<string?>("--variant") { Description = "Bootstrap set: essential, minbase/required, important, standard (implies --no-recommends)." };
        var action = new Argument<string>("action") { Description = "install, remove, upgrade or dist-upgrade.", DefaultValueFactory = _ => "install" };
        var packages = new Argument<string[]>("packages") { Description = "Packages: name[:arch][=version|/suite].", Arity = ArgumentArity.ZeroOrMore };
        var timing = new Option<bool>("--timing") { Description = "Print load/solve/order times to stderr." };
        command.Options.Add(timing);
        command.Options.Add(json);
        command.Options.Add(noRecommends);
        command.Options.Add(variant);
        command.Arguments.Add(action);
        command.Arguments.Add(packages);
        command.SetAction(parse =>
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var u = universe.Load(parse);
            var loaded = clock.Elapsed;
            var names = parse.GetValue(packages) ?? [];
            SolverSolution solution;
            if (parse.GetValue(variant) is { } v)
            {
                solution = BootstrapSets.Resolve(u, BootstrapSets.ParseVariant(v), names);
            }
            else
            {
                string verb = parse.GetValue(action)!;
                var request = verb switch
                {
                    "install" => new SolverRequest { Install = names.Select(PackageRequest.Parse).ToList() },
                    "remove" => new SolverRequest { Remove = names.ToList() },
                    "upgrade" => new SolverRequest { Upgrade = true },
                    "dist-upgrade" or "full-upgrade" => new SolverRequest { DistUpgrade = true },
                    _ => throw new AptOstreeException(AptErrorCodes.UnknownPackage, $"Unknown action '{verb}' (install, remove, upgrade, dist-upgrade)."),
                };
                solution = new DependencySolver(u).Solve(request with { InstallRecommends = !parse.GetValue(noRecommends) });
            }

            var solved = clock.Elapsed;
            var order = InstallOrderPlanner.Plan(u, solution.Install);
            if (parse.GetValue(timing))
            {
                Console.Error.WriteLine($"load {loaded.TotalMilliseconds:F0} ms ({u.Packages.Count} versions), solve {(solved - loaded).TotalMilliseconds:F0} ms, order {(clock.Elapsed - solved).TotalMilliseconds:F0} ms");
            }
            if (parse.GetValue(json))
            {
                using var writer = new Utf8JsonWriter(Console.OpenStandardOutput(), new JsonWriterOptions { Indented = true });
                writer.WriteStartObject();
                writer.WriteStartArray("install");
                foreach (var p in order)
                {
                    writer.WriteStartObject();
                    writer.WriteString("package", p.Name);
                    writer.WriteString("version", p.Version);
                    writer.WriteString("architecture", p.Architecture);
                    writer.WriteNumber("size", p.Size);
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
                writer.WriteStartArray("remove");
                foreach (var p in solution.Remove)
                {
                    writer.WriteStringValue($"{p.Name}:{p.Architecture}");
                }

                writer.WriteEndArray();
                writer.WriteNumber("downloadSize", solution.DownloadSize);
                writer.WriteEndObject();
                writer.Flush();
                Console.WriteLine();
            }
            else
            {
                foreach (var p in solution.Remove)
                {
                    Console.WriteLine($"Remv {p.Name} [{p.Version}]");
                }

                foreach (var p in order)
                {
                    Console.WriteLine($"Inst {p.Name} ({p.Version} {p.Architecture})");
                }

                Console.WriteLine($"{order.Count} to install, {solution.Remove.Count} to remove, {solution.DownloadSize} bytes to download.");
            }

            return 0;
        });
        return command;
    }
}
