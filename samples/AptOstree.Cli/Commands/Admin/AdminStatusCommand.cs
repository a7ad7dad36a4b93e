using System.CommandLine;
using System.Text.Json;
using AptOstree.OSTree.Sysroot;

namespace AptOstree.Cli.Commands;

/// <summary>`apt-ostree admin status [--json]`: the deployments, in the layout of `ostree admin status`.</summary>
internal static class AdminStatusCommand
{
    public static Command Create()
    {
        var json = new Option<bool>("--json") { Description = "Print a JSON document." };
        var command = new Command("status", "List deployments.") { json };
        command.SetAction(parse =>
        {
            var sysroot = AdminCommand.Open(parse);
            var deployments = sysroot.GetDeployments();
            if (parse.GetValue(json))
            {
                WriteJson(sysroot, deployments);
            }
            else if (deployments.Count == 0)
            {
                Console.WriteLine("No deployments.");
            }
            else
            {
                foreach (var d in deployments)
                {
                    string suffix = d.IsStaged ? " (staged)" : string.Empty;
                    Console.WriteLine($"{(d.IsBooted ? '*' : ' ')} {d.Stateroot} {d.Name}{suffix}");
                    string? version = TryVersion(sysroot, d);
                    if (version is not null)
                    {
                        Console.WriteLine($"    Version: {version}");
                    }

                    Console.WriteLine(d.Origin?.Refspec is { } refspec ? $"    origin refspec: {refspec}" : "    origin: none");
                    if (d.IsPinned)
                    {
                        Console.WriteLine("    Pinned: yes");
                    }
                }
            }

            return 0;
        });
        return command;
    }

    private static string? TryVersion(OstreeSysroot sysroot, Deployment d)
    {
        try
        {
            return sysroot.Repository.ReadCommit(d.Commit).Version;
        }
        catch (AptOstreeException)
        {
            return null;
        }
    }

    private static void WriteJson(OstreeSysroot sysroot, IReadOnlyList<Deployment> deployments)
    {
        using var stdout = Console.OpenStandardOutput();
        using var w = new Utf8JsonWriter(stdout, new JsonWriterOptions { Indented = true });
        w.WriteStartObject();
        w.WriteStartArray("deployments");
        foreach (var d in deployments)
        {
            w.WriteStartObject();
            w.WriteNumber("index", d.Index);
            w.WriteString("stateroot", d.Stateroot);
            w.WriteString("checksum", d.Commit.ToString());
            w.WriteNumber("serial", d.DeploySerial);
            w.WriteString("bootcsum", d.BootChecksum);
            w.WriteNumber("bootserial", d.BootSerial);
            w.WriteString("version", TryVersion(sysroot, d));
            w.WriteString("origin", d.Origin?.Refspec);
            w.WriteString("kargs", d.KernelArguments.ToString());
            w.WriteBoolean("booted", d.IsBooted);
            w.WriteBoolean("staged", d.IsStaged);
            w.WriteBoolean("pinned", d.IsPinned);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
        w.Flush();
        stdout.WriteByte((byte)'\n');
    }
}
