using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AptOstree.Compose.Images;

/// <summary>
/// The compose step for a treefile with <c>kernel</c>/<c>initramfs</c>: inside the script sandbox, moves Debian's
/// <c>/boot/vmlinuz-KVER</c> (and <c>config</c>, <c>System.map</c>) to <c>/usr/lib/modules/KVER/</c>, runs
/// <c>depmod</c>, generates <c>/usr/lib/modules/KVER/initramfs.img</c> with the tree's own dracut
/// (<c>--no-hostonly --reproducible</c>, the <c>ostree</c> module), and empties <c>/boot</c> — the layout
/// <c>ostree admin deploy</c> and <see cref="AptOstree.OSTree.Sysroot.BootKernel"/> expect.
/// </summary>
/// <remarks>
/// Everything happens through <see cref="ScriptSandbox.RunAsync"/>, so the lower tree (hard links into the repository)
/// is never written: the moves, the new initramfs and the emptied <c>/boot</c> are the sandbox's changes, which the
/// caller captures (<see cref="ScriptSandbox.CaptureChanges"/>) and applies like any maintainer script's. Run it after
/// the packages are configured and before <c>/etc</c> moves to <c>/usr/etc</c> (dracut reads <c>/etc/dracut.conf.d</c>).
/// The sandbox's time limit bounds dracut (minutes on a loaded machine).
/// </remarks>
public sealed class KernelInitramfsStep
{
    private const string MoveKernelScript = """
        set -eu
        k=$1
        m=/usr/lib/modules/$k
        if [ -f "/boot/vmlinuz-$k" ]; then mv -f "/boot/vmlinuz-$k" "$m/vmlinuz"; fi
        for f in config System.map; do
          if [ -f "/boot/$f-$k" ]; then mv -f "/boot/$f-$k" "$m/$f"; fi
        done
        """;

    private const string CleanupScript = """
        set -eu
        chmod 0644 "/usr/lib/modules/$1/initramfs.img"
        find /boot -mindepth 1 -maxdepth 1 -exec rm -rf {} +
        rm -f /vmlinuz /vmlinuz.old /initrd.img /initrd.img.old
        """;

    private readonly ILogger _logger;

    /// <summary>Creates the step.</summary>
    public KernelInitramfsStep(ILogger<KernelInitramfsStep>? logger = null)
    {
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>Finds the one kernel of the sandbox's tree and installs it with its initramfs as described above.</summary>
    /// <param name="sandbox">A sandbox over the configured tree.</param>
    /// <param name="options">dracut modules and arguments; default: the <c>ostree</c> module.</param>
    /// <param name="cancellationToken">Kills dracut and stops.</param>
    /// <exception cref="AptOstreeException">No kernel or several (<see cref="ComposeErrorCodes.KernelNotFound"/>), no dracut in the
    /// tree (<see cref="ComposeErrorCodes.ImageToolMissing"/>), or a command failing (<see cref="ComposeErrorCodes.ImageToolFailed"/>,
    /// naming it and quoting its output).</exception>
    public async Task<KernelInstallation> RunAsync(ScriptSandbox sandbox, InitramfsOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sandbox);
        options ??= new InitramfsOptions();
        string kver = FindKernelVersion(sandbox.LowerRoot);
        if (!File.Exists(Path.Combine(sandbox.LowerRoot, "usr/bin/dracut")))
        {
            throw new AptOstreeException(ComposeErrorCodes.ImageToolMissing, $"The tree at '{sandbox.LowerRoot}' has kernel {kver} but no /usr/bin/dracut: add the packages 'dracut' and 'ostree-boot'.");
        }

        await RunAsync(sandbox, ["sh", "-c", MoveKernelScript, "sh", kver], "moving the kernel into /usr/lib/modules", cancellationToken).ConfigureAwait(false);
        await RunAsync(sandbox, ["depmod", "-a", kver], "depmod", cancellationToken).ConfigureAwait(false);
        string initramfs = $"usr/lib/modules/{kver}/initramfs.img";
        var dracut = new List<string> { "dracut", "--no-hostonly", "--reproducible", "--tmpdir", "/tmp", "--force", "--kver", kver };
        foreach (var module in options.Modules)
        {
            dracut.Add("--add");
            dracut.Add(module);
        }

        dracut.AddRange(options.Arguments);
        dracut.Add("/" + initramfs);
        var result = await RunAsync(sandbox, dracut, "dracut", cancellationToken).ConfigureAwait(false);
        ImageLog.InitramfsGenerated(_logger, kver, initramfs, result.Duration.TotalSeconds);
        await RunAsync(sandbox, ["sh", "-c", CleanupScript, "sh", kver], "emptying /boot", cancellationToken).ConfigureAwait(false);
        return new KernelInstallation(kver, $"usr/lib/modules/{kver}/vmlinuz", initramfs, result.Duration);
    }

    /// <summary>
    /// The version of the tree's one kernel: a <c>usr/lib/modules/KVER</c> directory with <c>boot/vmlinuz-KVER</c>
    /// (as Debian's linux-image packages install it) or an already moved <c>usr/lib/modules/KVER/vmlinuz</c>.
    /// </summary>
    /// <exception cref="AptOstreeException">No kernel, or more than one.</exception>
    public static string FindKernelVersion(string treeRoot)
    {
        ArgumentException.ThrowIfNullOrEmpty(treeRoot);
        string modules = Path.Combine(treeRoot, "usr/lib/modules");
        var found = Directory.Exists(modules)
            ? Directory.EnumerateDirectories(modules).Select(Path.GetFileName).OfType<string>()
                .Where(k => File.Exists(Path.Combine(treeRoot, "boot", "vmlinuz-" + k)) || File.Exists(Path.Combine(modules, k, "vmlinuz")))
                .Order(StringComparer.Ordinal).ToList()
            : [];
        return found switch
        {
            [var only] => only,
            [] => throw new AptOstreeException(ComposeErrorCodes.KernelNotFound, $"No kernel in '{treeRoot}': expected boot/vmlinuz-KVER with usr/lib/modules/KVER/ (is the kernel package, e.g. linux-image-amd64, in the treefile?)."),
            _ => throw new AptOstreeException(ComposeErrorCodes.KernelNotFound, $"More than one kernel in '{treeRoot}' ({string.Join(", ", found)}); a bootable tree has exactly one."),
        };
    }

    private static async Task<SandboxRunResult> RunAsync(ScriptSandbox sandbox, List<string> argv, string what, CancellationToken cancellationToken)
    {
        var result = await sandbox.RunAsync(argv, cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            string tail = result.OutputTail.Length > 4000 ? "…" + result.OutputTail[^4000..] : result.OutputTail;
            throw new AptOstreeException(ComposeErrorCodes.ImageToolFailed, $"Kernel step: {what} ('{argv[0]}') exited with status {result.ExitCode}: {tail.Trim()}");
        }

        return result;
    }
}
