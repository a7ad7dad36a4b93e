using System.Diagnostics;
using AptOstree.Testing;

namespace AptOstree.Compose.Tests.Images;

/// <summary>What the marker unit printed on the serial console during one boot.</summary>
/// <param name="Lines">The marker block's lines (between BEGIN and END), other console output removed.</param>
/// <param name="SerialLog">The whole serial log, for failure messages.</param>
/// <param name="Duration">From QEMU's start to its exit.</param>
internal sealed record BootReport(IReadOnlyList<string> Lines, string SerialLog, TimeSpan Duration)
{
    /// <summary>The value of the first marker line <c>KEY: VALUE</c>, or null.</summary>
    public string? Value(string key) => Lines.FirstOrDefault(l => l.StartsWith(key + ": ", StringComparison.Ordinal))?[(key.Length + 2)..];

    /// <summary>The <c>ostree admin status</c> lines printed in the VM.</summary>
    public IReadOnlyList<string> Status => Lines.Where(l => l.StartsWith("status: ", StringComparison.Ordinal)).Select(l => l["status: ".Length..]).ToList();

    /// <summary>The last 60 lines of the serial log.</summary>
    public string Tail => string.Join('\n', SerialLog.Split('\n').TakeLast(60));
}

/// <summary>Boots a raw disk image in <c>qemu-system-x86_64</c> (q35, UEFI via OVMF, TCG) with the serial console in a file.</summary>
internal static class QemuBoot
{
    public const string OvmfCode = "/usr/share/OVMF/OVMF_CODE.fd";
    public const string OvmfVars = "/usr/share/OVMF/OVMF_VARS.fd";

    /// <summary>Skips, with the reason, only where QEMU cannot start at all (not installed, or no UEFI firmware).</summary>
    public static void RequireQemu()
    {
        ExternalTool.Require("qemu-system-x86_64");
        Skip.IfNot(File.Exists(OvmfCode) && File.Exists(OvmfVars), $"UEFI firmware for QEMU is missing ({OvmfCode}); install the 'ovmf' package (eng/install-deps.sh does).");
    }

    /// <summary>Boots until the guest powers off (or <paramref name="timeout"/>) and returns the marker block.</summary>
    public static BootReport Boot(string image, string workDirectory, string name, TimeSpan timeout)
    {
        string vars = Path.Combine(workDirectory, name + "-OVMF_VARS.fd");
        string serial = Path.Combine(workDirectory, name + "-serial.log");
        File.Copy(OvmfVars, vars, overwrite: true);
        File.Delete(serial);
        var started = Stopwatch.StartNew();
        ToolResult run;
        try
        {
            run = ExternalTool.Run("qemu-system-x86_64", [
                "-machine", "q35", "-m", "2G", "-smp", "2", "-nographic", "-no-reboot", "-monitor", "none", "-nic", "none",
                "-drive", $"if=pflash,format=raw,unit=0,readonly=on,file={OvmfCode}",
                "-drive", $"if=pflash,format=raw,unit=1,file={vars}",
                "-drive", $"if=virtio,format=raw,file={image}",
                "-serial", $"file:{serial}",
            ], timeout: timeout);
        }
        catch (TimeoutException killed)
        {
            string partial = File.Exists(serial) ? File.ReadAllText(serial) : string.Empty;
            throw new TimeoutException($"{name}: the VM did not power off within {timeout.TotalMinutes:F0} minutes and was killed; serial log tail:\n{string.Join('\n', partial.Split('\n').TakeLast(60))}", killed);
        }

        started.Stop();
        string log = File.Exists(serial) ? File.ReadAllText(serial) : string.Empty;
        Assert.True(run.ExitCode == 0, $"qemu exited {run.ExitCode}: {run.StandardError}\n--- serial log tail ---\n{string.Join('\n', log.Split('\n').TakeLast(60))}");
        var lines = new List<string>();
        bool inside = false;
        foreach (var raw in log.Split('\n'))
        {
            string line = raw.TrimEnd('\r');
            if (line.Contains("APTOSTREE-MARKER-BEGIN", StringComparison.Ordinal))
            {
                inside = true;
            }
            else if (line.Contains("APTOSTREE-MARKER-END", StringComparison.Ordinal))
            {
                inside = false;
            }
            else if (inside && !line.StartsWith('[') && !line.Contains('\u001b', StringComparison.Ordinal))
            {
                // Kernel messages ("[  12.3] ...") and systemd's status lines (escape sequences) interleave with the marker.
                lines.Add(line);
            }
        }

        return new BootReport(lines, log, started.Elapsed);
    }
}
