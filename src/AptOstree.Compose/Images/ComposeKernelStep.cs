using System.Globalization;
using AptOstree.OSTree;
using AptOstree.Posix;
using Microsoft.Extensions.Logging;

namespace AptOstree.Compose.Images;

/// <summary>
/// The compose pipeline's bootable step, for a treefile with <c>kernel</c>: after the packages are configured and
/// before the OSTree layout, the configured tree is checked out (hard links) as the lower tree of a fresh
/// <see cref="ScriptSandbox"/>, <see cref="KernelInitramfsStep"/> runs in it with the treefile's <c>initramfs</c>
/// modules and arguments, and what it changed (kernel moved to <c>usr/lib/modules/KVER/vmlinuz</c>, depmod files,
/// <c>initramfs.img</c>, <c>/boot</c> emptied) is applied to the in-memory tree.
/// </summary>
internal static class ComposeKernelStep
{
    /// <summary>The treefile whose package request includes the <c>kernel</c> package (unchanged without one).</summary>
    public static Treefile WithKernelPackage(Treefile treefile) =>
        treefile.Kernel is { } kernel && !treefile.Packages.Contains(kernel.Package, StringComparer.Ordinal)
            ? treefile with { Packages = [.. treefile.Packages, kernel.Package] }
            : treefile;

    /// <summary>Runs the step on <paramref name="root"/> (changed in place); <paramref name="workDirectory"/> is emptied before and removed after.</summary>
    public static async Task<KernelInstallation> ApplyAsync(OstreeRepository repository, MutableTree root, Treefile treefile, string workDirectory, long sourceDateEpoch,
        ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        var initramfs = new InitramfsOptions
        {
            Modules = new InitramfsOptions().Modules.Concat(treefile.Initramfs?.Modules ?? []).Distinct(StringComparer.Ordinal).ToList(),
            Arguments = treefile.Initramfs?.Args ?? [],
        };
        var configured = repository.CommitTree(root, new CommitOptions { Orphan = true, Timestamp = DateTimeOffset.UnixEpoch, Subject = "apt-ostree compose: configured tree before the kernel step" }, cancellationToken);
        RemoveDirectory(workDirectory);
        Directory.CreateDirectory(workDirectory);
        try
        {
            string lower = Path.Combine(workDirectory, "lower");
            repository.Checkout(configured, lower, new CheckoutOptions { Mode = LibcPosixFileSystem.IsRoot ? CheckoutMode.Root : CheckoutMode.User }, cancellationToken: cancellationToken);
            var sandbox = ScriptSandbox.Open(lower, Path.Combine(workDirectory, "sandbox"), new ScriptSandboxOptions
            {
                TimeLimit = treefile.Scripts.TimeLimit ?? TimeSpan.FromMinutes(30),
                Environment = new Dictionary<string, string>(StringComparer.Ordinal) { ["SOURCE_DATE_EPOCH"] = sourceDateEpoch.ToString(CultureInfo.InvariantCulture) },
            }, loggerFactory.CreateLogger<ScriptSandbox>());
            await using (sandbox.ConfigureAwait(false))
            {
                var kernel = await new KernelInitramfsStep(loggerFactory.CreateLogger<KernelInitramfsStep>()).RunAsync(sandbox, initramfs, cancellationToken).ConfigureAwait(false);
                SandboxTreeChanges.Apply(repository, sandbox, root, sandbox.CaptureChanges());
                return kernel;
            }
        }
        finally
        {
            RemoveDirectory(workDirectory);
        }
    }

    private static void RemoveDirectory(string path)
    {
        if (Directory.Exists(path))
        {
            Directory.Delete(path, recursive: true);
        }
    }
}
