using AptOstree.OSTree.Sysroot;
using AptOstree.Posix;
using AptOstree.Testing;
using static AptOstree.OSTree.Tests.Sysroot.SysrootFixture;

namespace AptOstree.OSTree.Tests.Sysroot;

/// <summary>
/// A crash injected at every write step of deploy, rollback, undeploy and cleanup leaves a boot configuration that
/// the real <c>ostree admin status</c> reads as exactly the old one or exactly the new one, never a mix; a following
/// cleanup removes every leftover and the operation can then be completed.
/// </summary>
public sealed class CrashSafetyTests
{
    [SkippableFact]
    public void Deploy_survives_a_crash_at_every_write_step()
    {
        using var fx = new SysrootFixture();
        string sr = PrepareTwoCommits(fx, deploySecond: false);
        RunCrashMatrix(fx, sr, s => s.Deploy(Branch, new DeployOptions { Stateroot = Os, NoPrune = true }));
    }

    [SkippableFact]
    public void Rollback_survives_a_crash_at_every_write_step()
    {
        using var fx = new SysrootFixture();
        string sr = PrepareTwoCommits(fx, deploySecond: true);
        RunCrashMatrix(fx, sr, s => s.Rollback());
    }

    [SkippableFact]
    public void Undeploy_and_cleanup_survive_a_crash_at_every_write_step()
    {
        using var fx = new SysrootFixture();
        string sr = PrepareTwoCommits(fx, deploySecond: true);
        RunCrashMatrix(fx, sr, s => s.Undeploy(1));

        // Cleanup with garbage to remove: an interrupted run's leftovers.
        File.CreateSymbolicLink($"{sr}/boot/loader.tmp", "loader.1");
        File.CreateSymbolicLink($"{sr}/ostree/boot.1.tmp", "boot.1.0");
        Directory.CreateDirectory($"{sr}/boot/ostree/.tmp-myos-junk");
        File.WriteAllText($"{sr}/boot/ostree/.tmp-myos-junk/vmlinuz-5.10.0", "half a kernel");
        string stray = $"{sr}/ostree/deploy/{Os}/deploy/{new string('a', 64)}.0";
        Directory.CreateDirectory($"{stray}/etc");
        Directory.CreateDirectory($"{stray}/usr/bin");
        File.WriteAllText($"{stray}/etc/x", "x");
        File.WriteAllText($"{stray}/usr/bin/y", "y");
        File.WriteAllText($"{stray}.origin", "[origin]\nrefspec=x\n");
        RunCrashMatrix(fx, sr, s => s.Cleanup(prune: true));
    }

    private static string PrepareTwoCommits(SysrootFixture fx, bool deploySecond)
    {
        fx.Commit(fx.NewTree(), "1.0");
        string sr = fx.NewSysroot();
        fx.Open(sr).Deploy(Branch, new DeployOptions { Stateroot = Os, KernelArguments = ["rw"] });
        File.WriteAllText($"{fx.Open(sr).GetDeploymentDirectory(fx.Open(sr).GetDeployments()[0])}/etc/hostname", "local\n");
        fx.Commit(fx.NewTree(kernel: "kernel-2", customize: t => File.WriteAllText($"{t}/usr/etc/new.conf", "n")), "2.0");
        fx.Pull(sr);
        if (deploySecond)
        {
            fx.Open(sr).Deploy(Branch, new DeployOptions { Stateroot = Os });
        }

        return sr;
    }

    private static void RunCrashMatrix(SysrootFixture fx, string baseSr, Action<OstreeSysroot> operation)
    {
        var beforeStatus = OstreeStatus(baseSr);
        var beforeEntries = Entries(baseSr);
        string reference = fx.CopySysroot(baseSr, "crash-reference");
        operation(fx.Open(reference));
        var afterStatus = OstreeStatus(reference);
        var afterEntries = Entries(reference);
        Directory.Delete(reference, recursive: true);

        // Count the write steps with a fault point that is never reached, then crash at every step of the boot
        // configuration switch (the last ones) and at evenly spread steps of the preparation before it.
        int steps = CountWriteSteps(fx, baseSr, operation);
        var failPoints = Enumerable.Range(1, steps).Where(n => n > steps - 30 || n % Math.Max(1, steps / 6) == 0).ToList();
        int crashedBefore = 0, crashedAfter = 0;
        foreach (int failAt in failPoints)
        {
            string sr = fx.CopySysroot(baseSr, $"crash-{failAt}");
            var faulty = new FaultInjectingFileSystem(LibcPosixFileSystem.Instance, failAt);
            var repo = OstreeRepository.Open($"{sr}/ostree/repo", new RepositoryOptions { FileSystem = faulty });
            try
            {
                operation(new OstreeSysroot(sr, repo, faulty));
            }
            catch (Exception) when (faulty.Triggered)
            {
                var status = OstreeStatus(sr);
                var entries = Entries(sr);
                bool isBefore = status.SequenceEqual(beforeStatus) && entries.SequenceEqual(beforeEntries);
                bool isAfter = status.SequenceEqual(afterStatus) && entries.SequenceEqual(afterEntries);
                Assert.True(isBefore || isAfter, $"crash at write {failAt}: boot configuration is neither the old nor the new one");
                AssertBootable(sr);

                // Recovery: cleanup removes leftovers; then the operation completes when it had not committed.
                var clean = fx.Open(sr);
                clean.Cleanup(prune: false);
                AssertNoLeftovers(sr, clean);
                if (isBefore)
                {
                    crashedBefore++;
                    operation(clean);
                }
                else
                {
                    crashedAfter++;
                }

                Assert.Equal(afterStatus, OstreeStatus(sr));
                Assert.Equal(afterEntries, Entries(sr));
                Directory.Delete(sr, recursive: true);
                continue;
            }

            Assert.Fail($"write step {failAt} of {steps} was not reached");
        }

        Assert.True(crashedBefore > 0, "no crash point before the commit point was exercised");
    }

    private static int CountWriteSteps(SysrootFixture fx, string baseSr, Action<OstreeSysroot> operation)
    {
        string sr = fx.CopySysroot(baseSr, "crash-count");
        var counting = new FaultInjectingFileSystem(LibcPosixFileSystem.Instance, int.MaxValue);
        var repo = OstreeRepository.Open($"{sr}/ostree/repo", new RepositoryOptions { FileSystem = counting });
        operation(new OstreeSysroot(sr, repo, counting));
        Directory.Delete(sr, recursive: true);
        Assert.True(counting.Calls >= 3, "the operation wrote (almost) nothing");
        return counting.Calls;
    }

    /// <summary>Every entry's kernel, initramfs and deployment exist.</summary>
    private static void AssertBootable(string sr)
    {
        foreach (var text in Entries(sr).Values)
        {
            var entry = BootLoaderEntry.Parse(text);
            Assert.True(File.Exists($"{sr}/boot{entry.Linux}"), $"missing kernel {entry.Linux}");
            Assert.True(File.Exists($"{sr}/boot{entry.Initrd}"), $"missing initramfs {entry.Initrd}");
            string link = entry.Options.GetValues("ostree")[0]!;
            Assert.True(Directory.Exists($"{sr}{link}/usr"), $"boot link {link} does not lead to a deployment");
        }
    }

    private static void AssertNoLeftovers(string sr, OstreeSysroot sysroot)
    {
        foreach (var dir in new[] { $"{sr}/boot", $"{sr}/boot/ostree", $"{sr}/ostree" })
        {
            Assert.DoesNotContain(Directory.EnumerateFileSystemEntries(dir).Select(Path.GetFileName), n => n!.StartsWith(".tmp-", StringComparison.Ordinal) || n.Contains(".tmp", StringComparison.Ordinal));
        }

        var state = sysroot.Load();
        Assert.False(Directory.Exists($"{sr}/boot/loader.{1 - state.BootVersion}"));
        var live = state.Deployments.Select(d => d.Name).Order(StringComparer.Ordinal).ToList();
        var onDisk = Directory.EnumerateDirectories($"{sr}/ostree/deploy/{Os}/deploy").Select(p => Path.GetFileName(p)).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(live, onDisk);
        Assert.Equal(live.Count, Directory.EnumerateFiles($"{sr}/ostree/deploy/{Os}/deploy", "*.origin").Count());
    }
}
