using System.CommandLine;
using AptOstree.Deb.Solver;

namespace AptOstree.Cli.Commands;

/// <summary>`apt-ostree apt check`: installability of every package, like dose-distcheck.</summary>
internal static class AptCheckCommand
{
    public static Command Create()
    {
        var command = new Command("check", "Report every package in the configured indexes that cannot be installed (exit 1 when some are broken).");
        var universe = new AptUniverseOptions();
        universe.AddTo(command);
        command.SetAction(parse =>
        {
            var u = universe.Load(parse);
            var report = new InstallabilityChecker(u).CheckAll();
            foreach (var p in report.Broken)
            {
                Console.WriteLine($"broken: {p.Name} {p.Version} {p.Architecture}");
            }

            Console.WriteLine($"{report.Checked} packages checked, {report.Broken.Count} broken.");
            return report.Broken.Count == 0 ? 0 : 1;
        });
        return command;
    }
}
