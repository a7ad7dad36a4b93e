using AptOstree.Deb;
using AptOstree.Testing;

namespace AptOstree.Samples.Tests.Cli;

/// <summary>
/// The layering verbs of the CLI (<c>install</c>, <c>upgrade</c>, <c>cleanup</c>) on a sysroot made and read by the real
/// <c>ostree admin</c>: the dry-run plan, <c>-y</c>, exit 77 with <c>--unchanged-exit-77</c>.
/// </summary>
public sealed class LayeringCliTests
{
    private const string Os = "debian";
    private const string Branch = "debian/test/x86_64";
    private static readonly Dictionary<string, string> AdminEnvironment = new() { ["OSTREE_SYSROOT_DEBUG"] = "mutable-deployments" };

    [SkippableFact]
    public void InstallUpgradeCleanup_DryRunPlanExit77AndDeployments()
    {
        ExternalTool.Require("ostree");
        Skip.IfNot(Environment.IsPrivilegedProcess, "ostree admin on a bare sysroot repository needs root.");
        using var tmp = new TempDirectory("aptostree-layeringcli-");
        string sr = Sysroot(tmp);
        string deb = tmp.Combine("clitool_1.0_all.deb");
        new DebBuilder { Timestamp = DateTimeOffset.FromUnixTimeSeconds(1_750_000_000) }
            .SetControlFields([
                new("Package", "clitool"), new("Version", "1.0"), new("Architecture", "all"), new("Depends", "base-files"),
                new("Maintainer", "AptOstree Tests <tests@example.invalid>"), new("Description", "layering CLI test package"),
            ])
            .AddDirectory("usr").AddDirectory("usr/bin").AddFile("usr/bin/clitool", "#!/bin/sh\necho clitool\n", 0x1ED)
            .Build(deb);
        string before = Ostree("admin", "status", $"--sysroot={sr}");

        var dry = SampleTools.AptOstree("install", $"--sysroot={sr}", "--dry-run", deb);
        Assert.True(dry.ExitCode == 0, dry.StandardError);
        Assert.Contains("  + clitool 1.0 all\n", dry.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("Exiting because of '--dry-run' option", dry.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(before, Ostree("admin", "status", $"--sysroot={sr}"));

        // The plan names the maintainer scripts that would run and the triggers its files activate (the base's registry).
        string scripted = tmp.Combine("scripted_1.0_all.deb");
        new DebBuilder { Timestamp = DateTimeOffset.FromUnixTimeSeconds(1_750_000_000) }
            .SetControlFields([
                new("Package", "scripted"), new("Version", "1.0"), new("Architecture", "all"),
                new("Maintainer", "AptOstree Tests <tests@example.invalid>"), new("Description", "layering CLI test package with scripts"),
            ])
            .AddDirectory("usr").AddDirectory("usr/share").AddDirectory("usr/share/clitool-hooks").AddFile("usr/share/clitool-hooks/scripted.hook", "hook\n")
            .AddMaintainerScript("preinst", "#!/bin/sh\nexit 0\n").AddMaintainerScript("postinst", "#!/bin/sh\nexit 0\n")
            .Build(scripted);
        var dryScripts = SampleTools.AptOstree("install", $"--sysroot={sr}", "--dry-run", scripted);
        Assert.True(dryScripts.ExitCode == 0, dryScripts.StandardError);
        Assert.Contains("  + scripted 1.0 all\n  script scripted.preinst\n  script scripted.postinst\n  trigger /usr/share/clitool-hooks (base-files)\n", dryScripts.StandardOutput, StringComparison.Ordinal);

        var install = SampleTools.AptOstree("install", $"--sysroot={sr}", "-y", deb);
        Assert.True(install.ExitCode == 0, install.StandardError);
        Assert.Contains("Deployed debian ", install.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(2, Deployments(sr));

        var again = SampleTools.AptOstree("install", $"--sysroot={sr}", "-y", "--unchanged-exit-77", deb);
        Assert.Equal(77, again.ExitCode);
        Assert.Contains("No changes.", again.StandardOutput, StringComparison.Ordinal);

        var upgrade = SampleTools.AptOstree("upgrade", $"--sysroot={sr}", "--unchanged-exit-77");
        Assert.Equal(77, upgrade.ExitCode);

        // A new commit on the origin's ref: upgrade re-applies clitool on it.
        string newBase = Commit(tmp, sr, "2");
        var upgraded = SampleTools.AptOstree("upgrade", $"--sysroot={sr}", "-y");
        Assert.True(upgraded.ExitCode == 0, upgraded.StandardError);
        Assert.Contains($"Base commit: {newBase}", upgraded.StandardOutput, StringComparison.Ordinal);
        // As ostree admin deploy on an offline sysroot: the new default and the one it was made from.
        Assert.Equal(2, Deployments(sr));
        Assert.Contains("Version: 2", Ostree("admin", "status", $"--sysroot={sr}"), StringComparison.Ordinal);

        var cleanup = SampleTools.AptOstree("cleanup", $"--sysroot={sr}", "-r");
        Assert.True(cleanup.ExitCode == 0, cleanup.StandardError);
        Assert.Equal(1, Deployments(sr));
        Assert.Contains("clitool", SampleTools.AptOstree("status", $"--sysroot={sr}").StandardOutput, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void Install_KilledWhileLayeringAndWhileDeploying_OstreeStatusUnchangedFsckCleanRerunSucceeds()
    {
        ExternalTool.Require("ostree");
        Skip.IfNot(Environment.IsPrivilegedProcess, "ostree admin on a bare sysroot repository needs root.");
        using var tmp = new TempDirectory("aptostree-layeringkill-");
        string sr = Sysroot(tmp);
        // Many files: the layered commit and the checkout of the new deployment take long enough to be interrupted.
        string deb = tmp.Combine("bigtool_1.0_all.deb");
        var builder = new DebBuilder { Timestamp = DateTimeOffset.FromUnixTimeSeconds(1_750_000_000) }
            .SetControlFields([
                new("Package", "bigtool"), new("Version", "1.0"), new("Architecture", "all"),
                new("Maintainer", "AptOstree Tests <tests@example.invalid>"), new("Description", "layering kill test package"),
            ])
            .AddDirectory("usr").AddDirectory("usr/share").AddDirectory("usr/share/bigtool");
        for (int d = 0; d < 100; d++)
        {
            builder.AddDirectory($"usr/share/bigtool/{d}");
            for (int f = 0; f < 200; f++)
            {
                builder.AddFile($"usr/share/bigtool/{d}/{f}", $"bigtool file {d}/{f}\n");
            }
        }

        builder.Build(deb);
        string before = Ostree("admin", "status", $"--sysroot={sr}");
        string deployDir = $"{sr}/ostree/deploy/{Os}/deploy";
        var deployedBefore = Directory.GetFileSystemEntries(deployDir).ToHashSet(StringComparer.Ordinal);

        // Killed once the package is imported (its ref written: the layered commit is being built), then once the new
        // deployment's checkout has started.
        var killPoints = new (string What, Func<bool> Reached)[]
        {
            ("the import finished", () => Directory.Exists($"{sr}/ostree/repo/refs/heads/aptostree/pkg/bigtool")),
            ("the checkout started", () => Directory.GetFileSystemEntries(deployDir).Any(e => !deployedBefore.Contains(e))),
        };
        foreach (var (what, reached) in killPoints)
        {
            var psi = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "apt-ostree.dll"), "install", $"--sysroot={sr}", "-y", deb })
            {
                psi.ArgumentList.Add(a);
            }

            using var install = System.Diagnostics.Process.Start(psi)!;
            var clock = System.Diagnostics.Stopwatch.StartNew();
            while (!reached() && !install.HasExited && clock.Elapsed < TimeSpan.FromMinutes(10))
            {
                Thread.Sleep(2);
            }

            bool killed = !install.HasExited;
            install.Kill(); // SIGKILL
            Assert.True(install.WaitForExit(TimeSpan.FromMinutes(1)), "apt-ostree install did not die");
            Assert.True(killed && reached(), $"apt-ostree install ended before {what}: " + install.StandardOutput.ReadToEnd() + install.StandardError.ReadToEnd());

            Assert.Equal(before, Ostree("admin", "status", $"--sysroot={sr}"));
            var fsck = ExternalTool.Run("ostree", ["fsck", $"--repo={sr}/ostree/repo"]);
            Assert.True(fsck.ExitCode == 0 && !fsck.StandardError.Contains("corrupt", StringComparison.OrdinalIgnoreCase), $"after a kill when {what}: {fsck.StandardOutput}{fsck.StandardError}");
        }

        var rerun = SampleTools.AptOstree("install", $"--sysroot={sr}", "-y", deb);
        Assert.True(rerun.ExitCode == 0, rerun.StandardOutput + rerun.StandardError);
        Assert.Equal(2, Deployments(sr));
        string status = Ostree("admin", "status", $"--sysroot={sr}");
        string layered = status.Split('\n').First(l => l.StartsWith("  " + Os + " ", StringComparison.Ordinal) || l.StartsWith("* " + Os + " ", StringComparison.Ordinal))[2..].Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
        Assert.Equal("bigtool file 99/199\n", File.ReadAllText($"{deployDir}/{layered}/usr/share/bigtool/99/199"));
        Assert.Equal(0, ExternalTool.Run("ostree", ["fsck", $"--repo={sr}/ostree/repo"]).ExitCode);
    }

    private static string Sysroot(TempDirectory tmp)
    {
        string sr = tmp.Combine("sysroot");
        Directory.CreateDirectory(sr);
        Ostree("admin", "init-fs", "--modern", sr);
        Ostree("admin", "os-init", $"--sysroot={sr}", Os);
        Commit(tmp, sr, "1");
        Ostree("admin", "deploy", $"--sysroot={sr}", $"--os={Os}", "--retain", Branch);
        return sr;
    }

    private static string Commit(TempDirectory tmp, string sr, string version)
    {
        string tree = tmp.Combine("tree" + version);
        Directory.CreateDirectory($"{tree}/usr/lib/modules/5.10.0");
        Directory.CreateDirectory($"{tree}/usr/etc");
        Directory.CreateDirectory($"{tree}/usr/share/dpkg/database/info");
        Directory.CreateDirectory($"{tree}/usr/share/dpkg/database/triggers");
        File.WriteAllText($"{tree}/usr/share/dpkg/database/triggers/File", "/usr/share/clitool-hooks base-files/noawait\n");
        File.WriteAllText($"{tree}/usr/lib/modules/5.10.0/vmlinuz", "kernel");
        File.WriteAllText($"{tree}/usr/lib/modules/5.10.0/initramfs.img", "initramfs");
        File.WriteAllText($"{tree}/usr/lib/os-release", $"ID=debian\nVERSION_ID={version}\n");
        File.WriteAllText($"{tree}/usr/share/dpkg/database/status",
            $"Package: base-files\nStatus: install ok installed\nPriority: required\nInstalled-Size: 10\nMaintainer: Test <test@example.org>\nArchitecture: amd64\nVersion: 12.{version}\nDescription: test\n\n");
        return Ostree("commit", $"--repo={sr}/ostree/repo", $"--branch={Branch}", $"--add-metadata-string=version={version}", "--owner-uid=0", "--owner-gid=0", "--timestamp=@1700000000", $"--tree=dir={tree}").Trim();
    }

    private static int Deployments(string sr) =>
        Ostree("admin", "status", $"--sysroot={sr}").Split('\n').Count(l => l.StartsWith("  " + Os + " ", StringComparison.Ordinal) || l.StartsWith("* " + Os + " ", StringComparison.Ordinal));

    private static string Ostree(params string[] args) =>
        ExternalTool.Run("ostree", args, environment: AdminEnvironment).EnsureSuccess("ostree " + string.Join(' ', args)).StandardOutput;
}
