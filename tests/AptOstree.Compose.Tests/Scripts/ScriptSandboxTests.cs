using System.Globalization;
using System.Text;
using AptOstree.Posix;
using AptOstree.Testing;
using Xunit.Abstractions;

namespace AptOstree.Compose.Tests.Scripts;

/// <summary>The sandbox as root over a hard-link checkout of a bare-user repository, against the real dpkg and ostree.</summary>
[Collection(SandboxTreesCollection.Name)]
public sealed class ScriptSandboxTests(SandboxTrees trees, ITestOutputHelper output)
{
    [SkippableFact]
    public async Task RunAsync_PostinstAppendsToItsHardLinkedFile_RepositoryStaysIntactAndChangeIsInUpper()
    {
        SandboxTrees.RequireTools();
        var tree = trees.RootTree;
        var lowerFile = Path.Combine(tree.Checkout, SandboxTrees.ProbeFile);
        var before = LibcPosixFileSystem.Instance.GetStatus(lowerFile);
        Assert.True(before.LinkCount >= 2, "the checkout's file must be a hard link to the repository's object");

        await using (var sandbox = ScriptSandbox.Open(tree.Checkout, trees.NewWorkDirectory(forTestUser: false)))
        {
            var result = await sandbox.RunAsync(["dpkg", "--configure", "--pending"]);
            output.WriteLine(result.OutputTail);
            result.EnsureSuccess();

            var changes = sandbox.CaptureChanges();
            var data = Assert.IsType<SandboxChange>(changes.Find(SandboxTrees.ProbeFile));
            Assert.Equal(SandboxChangeKind.Written, data.Kind);
            Assert.True(data.ExistsInLower);
            Assert.False(data.MetadataChanged);
            Assert.Empty(data.ExtendedAttributes); // the checkout's user.ostreemeta came along with the copy-up, and is left out
            Assert.Equal(SandboxTrees.ProbeOriginal + SandboxTrees.ProbeAppended, ReadContent(sandbox, data));
            Assert.Equal(SandboxTrees.ProbeOriginal + SandboxTrees.ProbeAppended, File.ReadAllText(Path.Combine(sandbox.UpperDirectory, SandboxTrees.ProbeFile)));

            // dpkg itself recorded the package as configured, in the upper directory only.
            var status = ReadContent(sandbox, changes.Find("var/lib/dpkg/status")!);
            Assert.Contains($"Package: {SandboxTrees.ProbePackage}\nStatus: install ok installed\n", status, StringComparison.Ordinal);
            Assert.Contains($"Package: {SandboxTrees.ProbePackage}\nStatus: install ok unpacked\n", File.ReadAllText(Path.Combine(tree.Checkout, "var/lib/dpkg/status")), StringComparison.Ordinal);
        }

        // The repository object behind the hard link is untouched, and ostree agrees.
        Assert.Equal(SandboxTrees.ProbeOriginal, File.ReadAllText(lowerFile));
        var after = LibcPosixFileSystem.Instance.GetStatus(lowerFile);
        Assert.Equal((before.Inode, before.Size, before.ModificationTimeSeconds), (after.Inode, after.Size, after.ModificationTimeSeconds));
        var fsck = ExternalTool.Run("ostree", ["--repo=" + tree.Repository, "fsck"], timeout: TimeSpan.FromMinutes(10));
        output.WriteLine(fsck.StandardOutput + fsck.StandardError);
        Assert.Equal(0, fsck.ExitCode);
        Assert.DoesNotContain("corrupt", fsck.StandardOutput + fsck.StandardError, StringComparison.OrdinalIgnoreCase);
    }

    [SkippableFact]
    public async Task CaptureChanges_DeletionsReplacedDirectoriesLinksAndModes_AreReportedAsOverlayRecordsThem()
    {
        SandboxTrees.RequireTools();
        var tree = trees.RootTree;
        await using var sandbox = ScriptSandbox.Open(tree.Checkout, trees.NewWorkDirectory(forTestUser: false));
        (await sandbox.RunAsync(["sh", "-ec", """
            rm /etc/issue.net
            rm -rf /etc/skel && mkdir /etc/skel && echo fresh > /etc/skel/.profile
            ln -s ../usr/share/aptostree-sandbox-probe/data.txt /etc/probe-link
            chmod 4755 /usr/bin/env
            chgrp shadow /etc/issue && chmod 0640 /etc/issue
            mkfifo /root/fifo
            echo scratch > /tmp/scratch && echo scratch > /run/scratch
            """])).EnsureSuccess();

        var changes = sandbox.CaptureChanges();
        foreach (var line in SandboxFingerprint.Of(sandbox, changes))
        {
            output.WriteLine(line);
        }

        var deleted = changes.Find("etc/issue.net")!;
        Assert.Equal(SandboxChangeKind.Deleted, deleted.Kind);
        Assert.True(deleted.ExistsInLower);

        var skel = changes.Find("etc/skel")!;
        Assert.True(skel.IsOpaque);
        Assert.Equal(PosixFileType.Directory, skel.Type);
        Assert.Equal("fresh\n", ReadContent(sandbox, changes.Find("etc/skel/.profile")!));
        // Under an opaque directory the lower entries are simply gone: no whiteout is listed for them.
        Assert.DoesNotContain(changes.Entries, c => c.Path.StartsWith("etc/skel/", StringComparison.Ordinal) && c.Kind == SandboxChangeKind.Deleted);

        var link = changes.Find("etc/probe-link")!;
        Assert.Equal((PosixFileType.SymbolicLink, "../usr/share/aptostree-sandbox-probe/data.txt", false), (link.Type, link.LinkTarget, link.ExistsInLower));

        var env = changes.Find("usr/bin/env")!;
        Assert.Equal((PosixFileType.RegularFile, 0x9EDu, 0u, 0u), (env.Type, env.Permissions, env.Uid, env.Gid));
        Assert.Equal(LibcPosixFileSystem.Instance.GetStatus(Path.Combine(tree.Checkout, "usr/bin/env")).Size, env.Size);

        var issue = changes.Find("etc/issue")!;
        Assert.Equal((0x1A0u, 0u, 42u, true), (issue.Permissions, issue.Uid, issue.Gid, issue.MetadataChanged));
        Assert.True(env.MetadataChanged);
        Assert.Equal(PosixFileType.Fifo, changes.Find("root/fifo")!.Type);

        // Parents copied up unchanged (etc, usr/bin), tmpfs contents and the sandbox's own mount points are not changes.
        Assert.Null(changes.Find("etc"));
        Assert.Null(changes.Find("usr/bin"));
        Assert.DoesNotContain(changes.Entries, c => c.Path.StartsWith("tmp", StringComparison.Ordinal) || c.Path.StartsWith("run", StringComparison.Ordinal));
        Assert.Null(changes.Find("usr/sbin/policy-rc.d"));
        Assert.DoesNotContain(changes.Entries, c => c.ExtendedAttributes.Keys.Any(k => k.Contains(".overlay.", StringComparison.Ordinal) || k == "user.ostreemeta"));
        Assert.False(File.Exists(Path.Combine(tree.Checkout, "etc/probe-link")));
        Assert.True(File.Exists(Path.Combine(tree.Checkout, "etc/issue.net")));
    }

    [SkippableFact]
    public async Task RunAsync_Isolation_IsRpmOstreesCapabilitiesNetworkEnvironmentAndPolicyRcD()
    {
        SandboxTrees.RequireTools();
        var options = new ScriptSandboxOptions { Environment = new Dictionary<string, string> { ["EXTRA"] = "value with spaces" } };
        await using var sandbox = ScriptSandbox.Open(trees.RootTree.Checkout, trees.NewWorkDirectory(forTestUser: false), options);
        var result = await sandbox.RunAsync(["sh", "-c", """
            grep -E '^Cap(Eff|Prm)' /proc/self/status
            echo "interfaces: $(tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' ' | tr '\n' ' ')"
            echo "pid: $$"
            echo "hostname: $(cat /proc/sys/kernel/hostname)"
            /usr/sbin/policy-rc.d; echo "policy-rc.d: $?"
            echo "env:"; env | sort
            """]);
        output.WriteLine(result.OutputTail);
        result.EnsureSuccess();

        // chown dac_override fowner fsetid kill setgid setuid setpcap sys_chroot setfcap, nothing else.
        Assert.Contains("CapEff:\t00000000800401fb", result.OutputTail, StringComparison.Ordinal);
        Assert.Contains("CapPrm:\t00000000800401fb", result.OutputTail, StringComparison.Ordinal);
        Assert.Contains("interfaces: lo \n", result.OutputTail, StringComparison.Ordinal);
        Assert.Contains("hostname: localhost\n", result.OutputTail, StringComparison.Ordinal);
        Assert.Contains("policy-rc.d: 101\n", result.OutputTail, StringComparison.Ordinal);
        Assert.Matches(@"pid: [1-9]\n", result.OutputTail);
        var env = result.OutputTail[(result.OutputTail.IndexOf("env:\n", StringComparison.Ordinal) + 5)..].TrimEnd('\n').Split('\n')
            .Where(l => !l.StartsWith("PWD=", StringComparison.Ordinal) && !l.StartsWith("SHLVL=", StringComparison.Ordinal) && !l.StartsWith("_=", StringComparison.Ordinal))
            .Where(l => !l.StartsWith("SOURCE_DATE_EPOCH=", StringComparison.Ordinal));
        Assert.Equal(
            ["DEBCONF_NONINTERACTIVE_SEEN=true", "DEBIAN_FRONTEND=noninteractive", "EXTRA=value with spaces", "HOME=/root", "LC_ALL=C.UTF-8", "PATH=/usr/sbin:/usr/bin:/sbin:/bin"],
            env);
    }

    [SkippableFact]
    public async Task RunAsync_CallerHoldsInheritableDescriptor_NoHostDescriptorReachesTheCommand()
    {
        SandboxTrees.RequireTools();
        using var inherited = InheritableDescriptor.Open("/etc/hostname");
        await using var sandbox = ScriptSandbox.Open(trees.RootTree.Checkout, trees.NewWorkDirectory(forTestUser: false));

        // ls run directly (a shell keeps fds of its own): stdin, stdout, stderr and the directory ls reads, nothing else.
        var fds = (await sandbox.RunAsync(["ls", "/proc/self/fd"])).EnsureSuccess();
        output.WriteLine($"host fd {inherited.Number}; in the sandbox: {fds.OutputTail.Replace('\n', ' ')}");
        Assert.Equal("0\n1\n2\n3\n", fds.OutputTail);
    }

    [SkippableFact]
    public async Task RunAsync_NetworkOption_SharesTheHostsInterfaces()
    {
        SandboxTrees.RequireTools();
        var hostInterfaces = File.ReadLines("/proc/net/dev").Skip(2).Select(l => l.Split(':')[0].Trim()).Order(StringComparer.Ordinal).ToList();
        Skip.If(hostInterfaces.SequenceEqual(["lo"]), "The host has no interface besides lo.");
        await using var sandbox = ScriptSandbox.Open(trees.RootTree.Checkout, trees.NewWorkDirectory(forTestUser: false), new ScriptSandboxOptions { Network = true });
        var result = (await sandbox.RunAsync(["sh", "-c", "tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' '"])).EnsureSuccess();
        Assert.Equal(hostInterfaces, result.OutputTail.TrimEnd('\n').Split('\n').Order(StringComparer.Ordinal));
        Assert.Null(sandbox.CaptureChanges().Find("etc/resolv.conf"));
    }

    [SkippableFact]
    public async Task RunAsync_FailingCommand_ReturnsItsStatusAndEnsureSuccessNamesIt()
    {
        SandboxTrees.RequireTools();
        await using var sandbox = ScriptSandbox.Open(trees.RootTree.Checkout, trees.NewWorkDirectory(forTestUser: false));
        var result = await sandbox.RunAsync(["sh", "-c", "echo 'postinst: cannot frobnicate' >&2; exit 3"]);
        Assert.Equal(3, result.ExitCode);
        Assert.Contains("postinst: cannot frobnicate", result.OutputTail, StringComparison.Ordinal);
        var ex = Assert.Throws<ScriptSandboxException>(() => result.EnsureSuccess());
        Assert.Equal(ComposeErrorCodes.SandboxCommandFailed, ex.ErrorCode);
        Assert.Equal(3, ex.ExitCode);
        Assert.Contains("sh -c 'echo", ex.Message, StringComparison.Ordinal);
        Assert.Contains("exit status 3", ex.Message, StringComparison.Ordinal);
        Assert.Contains("cannot frobnicate", ex.Message, StringComparison.Ordinal);

        var missing = await sandbox.RunAsync(["/usr/bin/no-such-program"]);
        Assert.NotEqual(0, missing.ExitCode);
        Assert.Contains("no-such-program", missing.OutputTail, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task RunAsync_TimeLimitHit_KillsTheWholeTreeAndThrows()
    {
        SandboxTrees.RequireTools();
        string marker = "1" + Random.Shared.Next(100_000, 999_999).ToString(CultureInfo.InvariantCulture);
        var options = new ScriptSandboxOptions { TimeLimit = TimeSpan.FromSeconds(3) };
        await using var sandbox = ScriptSandbox.Open(trees.RootTree.Checkout, trees.NewWorkDirectory(forTestUser: false), options);
        // A daemonised grandchild (setsid, own session) and a plain child, both far beyond the limit.
        var ex = await Assert.ThrowsAsync<ScriptSandboxException>(() => sandbox.RunAsync(["sh", "-c", $"setsid sleep {marker} & sleep {marker}.5 & echo started; wait"]));
        Assert.Equal(ComposeErrorCodes.SandboxTimeLimitExceeded, ex.ErrorCode);
        Assert.Contains($"sleep {marker}", ex.Message, StringComparison.Ordinal);
        Assert.Contains("started", ex.OutputTail, StringComparison.Ordinal);
        Assert.Empty(ProcessesMentioning(marker));
    }

    [SkippableFact]
    public async Task RunAsync_Cancelled_KillsEveryProcessAndLeavesNoMountBehind()
    {
        SandboxTrees.RequireTools();
        string marker = "2" + Random.Shared.Next(100_000, 999_999).ToString(CultureInfo.InvariantCulture);
        var work = trees.NewWorkDirectory(forTestUser: false);
        await using (var sandbox = ScriptSandbox.Open(trees.RootTree.Checkout, work))
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(3));
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sandbox.RunAsync(["sh", "-c", $"sleep {marker} & sleep {marker}.5"], cts.Token));
            Assert.Empty(ProcessesMentioning(marker));
            Assert.Empty(MountsUnder(work));
            // The sandbox stays usable after a cancellation.
            (await sandbox.RunAsync(["true"])).EnsureSuccess();
        }

        Assert.False(Directory.Exists(work), "dispose removes the work directory");
        Assert.Empty(MountsUnder(work));
    }

    [SkippableFact]
    public async Task RunAsync_ReadOnlyBind_IsVisibleUnderRunAndNotWritable()
    {
        SandboxTrees.RequireTools();
        using var host = new TempDirectory();
        File.WriteAllText(host.Combine("selections"), "debconf debconf/frontend select Noninteractive\n");
        var options = new ScriptSandboxOptions { ReadOnlyBinds = new Dictionary<string, string> { ["/run/aptostree/selections"] = host.Combine("selections") } };
        await using var sandbox = ScriptSandbox.Open(trees.RootTree.Checkout, trees.NewWorkDirectory(forTestUser: false), options);
        var result = await sandbox.RunAsync(["sh", "-c", "cat /run/aptostree/selections; echo x >> /run/aptostree/selections && echo WRITABLE"]);
        Assert.Contains("debconf/frontend select Noninteractive", result.OutputTail, StringComparison.Ordinal);
        Assert.DoesNotContain("WRITABLE", result.OutputTail, StringComparison.Ordinal);
        Assert.Equal("debconf debconf/frontend select Noninteractive\n", File.ReadAllText(host.Combine("selections")));
        Assert.True(sandbox.CaptureChanges().IsEmpty);
    }

    [SkippableFact]
    public void Open_BubblewrapMissing_ThrowsToolMissingNamingIt()
    {
        using var lower = new TempDirectory();
        using var work = new TempDirectory();
        var ex = Assert.Throws<ScriptSandboxException>(() => ScriptSandbox.Open(lower.Path, work.Combine("w"), new ScriptSandboxOptions { BubblewrapPath = "/nonexistent/bwrap" }));
        Assert.Equal(ComposeErrorCodes.SandboxToolMissing, ex.ErrorCode);
        Assert.Contains("/nonexistent/bwrap", ex.Message, StringComparison.Ordinal);
        Assert.Contains("bubblewrap", ex.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void Open_BadDirectoriesAndBinds_AreRefused()
    {
        ExternalTool.Require("bwrap", "unshare");
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.Combine("lower"));
        Directory.CreateDirectory(dir.Combine("busy"));
        File.WriteAllText(dir.Combine("busy", "file"), "x");

        Assert.Equal(ComposeErrorCodes.SandboxSetupFailed, Assert.Throws<ScriptSandboxException>(() => ScriptSandbox.Open(dir.Combine("missing"), dir.Combine("w1"))).ErrorCode);
        Assert.Equal(ComposeErrorCodes.SandboxSetupFailed, Assert.Throws<ScriptSandboxException>(() => ScriptSandbox.Open(dir.Combine("lower"), dir.Combine("busy"))).ErrorCode);
        Assert.Equal(ComposeErrorCodes.SandboxSetupFailed, Assert.Throws<ScriptSandboxException>(() => ScriptSandbox.Open(dir.Combine("lower"), dir.Combine("lower", "work"))).ErrorCode);
        Assert.Throws<ArgumentException>(() => ScriptSandbox.Open(dir.Combine("lower"), dir.Combine("w2"), new ScriptSandboxOptions { ReadOnlyBinds = new Dictionary<string, string> { ["/etc/x"] = dir.Path } }));
        Assert.Throws<ArgumentException>(() => ScriptSandbox.Open(dir.Combine("lower"), dir.Combine("w3"), new ScriptSandboxOptions { ReadOnlyBinds = new Dictionary<string, string> { ["/run/../etc/x"] = dir.Path } }));
    }

    internal static string ReadContent(ScriptSandbox sandbox, SandboxChange change)
    {
        using var stream = sandbox.OpenContent(change);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    internal static List<string> ProcessesMentioning(string marker)
    {
        var found = new List<string>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out _))
            {
                continue;
            }

            try
            {
                var cmdline = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
                if (cmdline.Contains(marker, StringComparison.Ordinal))
                {
                    found.Add($"{Path.GetFileName(dir)}: {cmdline}");
                }
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        return found;
    }

    internal static List<string> MountsUnder(string path)
    {
        var found = new List<string>();
        foreach (var dir in Directory.EnumerateDirectories("/proc").Where(d => int.TryParse(Path.GetFileName(d), out _)))
        {
            try
            {
                found.AddRange(File.ReadLines(Path.Combine(dir, "mountinfo")).Where(l => l.Contains(path, StringComparison.Ordinal)));
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        return found;
    }
}
