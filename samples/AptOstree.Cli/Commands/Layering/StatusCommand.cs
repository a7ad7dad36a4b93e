using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using AptOstree.Compose.Layering;

namespace AptOstree.Cli.Commands;

/// <summary>`apt-ostree status [--json] [-b]`: deployments with base, version and layered packages, as rpm-ostree status.</summary>
internal static class StatusCommand
{
    public static Command Create()
    {
        var sysroot = LayeringCommand.CreateSysrootOption();
        var json = new Option<bool>("--json") { Description = "Print rpm-ostree's status --json document." };
        var bootedOnly = new Option<bool>("--booted", "-b") { Description = "Only the booted deployment." };
        var command = new Command("status", "Show the deployments and their layered packages.") { sysroot, json, bootedOnly };
        command.SetAction(LayeringCommand.Guard((parse, _) =>
        {
            var layering = LayeringCommand.Factory.Open(parse.GetValue(sysroot)!);
            var status = layering.GetStatus();
            if (parse.GetValue(bootedOnly))
            {
                status = status.Where(s => s.Deployment.IsBooted).ToList();
            }

            if (parse.GetValue(json))
            {
                using var stdout = Console.OpenStandardOutput();
                using (var writer = new Utf8JsonWriter(stdout, new JsonWriterOptions { Indented = true }))
                {
                    LayeringJson.WriteStatus(writer, status);
                }

                stdout.WriteByte((byte)'\n');
                return Task.FromResult(0);
            }

            Console.WriteLine("State: idle");
            Console.WriteLine(status.Count == 0 ? "Deployments: none" : "Deployments:");
            foreach (var s in status)
            {
                WriteDeployment(s);
            }

            return Task.FromResult(0);
        }));
        return command;
    }

    private static void WriteDeployment(DeploymentStatus s)
    {
        string marker = s.Deployment.IsBooted ? "●" : " ";
        string staged = s.Deployment.IsStaged ? " (staged)" : string.Empty;
        Console.WriteLine($"{marker} {s.Deployment.Stateroot}:{s.Origin ?? "<no origin>"}{staged}");
        var time = DateTimeOffset.FromUnixTimeSeconds((long)Math.Min(s.Timestamp, (ulong)DateTimeOffset.MaxValue.ToUnixTimeSeconds())).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        Field("Version", $"{s.BaseVersion ?? s.Version ?? "(none)"} ({time})");
        if (s.BaseChecksum is not null)
        {
            Field("BaseCommit", s.BaseChecksum);
        }

        Field("Commit", s.Checksum);
        if (s.Packages.Count > 0)
        {
            Field("LayeredPackages", string.Join(' ', s.Packages));
        }

        if (s.RequestedLocalPackages.Count > 0)
        {
            Field("LocalPackages", string.Join(' ', s.RequestedLocalPackages));
        }

        if (s.InactiveRequests.Count > 0)
        {
            Field("InactiveRequests", string.Join(' ', s.InactiveRequests));
        }

        if (s.Deployment.IsPinned)
        {
            Field("Pinned", "yes");
        }

        Console.WriteLine();
    }

    private static void Field(string name, string value) => Console.WriteLine($"{name.PadLeft(20)}: {value}");
}
