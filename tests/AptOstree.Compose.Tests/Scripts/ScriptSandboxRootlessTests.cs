using AptOstree.Posix;
using AptOstree.Testing;
using Xunit.Abstractions;

namespace AptOstree.Compose.Tests.Scripts;

/// <summary>
/// The sandbox run by an unprivileged user (the test drops to <see cref="UnprivilegedTestUser"/> with runuser and
/// runs <see cref="SandboxProbe"/>), compared with the same script run as root.
/// </summary>
[Collection(SandboxTreesCollection.Name)]
public sealed class ScriptSandboxRootlessTests(SandboxTrees trees, ITestOutputHelper output)
{
    // dpkg configures the probe package; adduser makes a system user and group; ownership goes to that user, to a
    // system group and to nobody (the top of the mapped range); a private directory and file that only their new owner
    // can read; a deletion, a replaced directory, a symlink, a FIFO. The logs dpkg writes hold the clock's time.
    private const string Script = """
        dpkg --configure --pending
        adduser --system --group --home /var/lib/aptostree-probe aptostree-probe
        install -d -m 0700 -o aptostree-probe -g aptostree-probe /var/lib/aptostree-probe/private
        printf 'secret\n' > /var/lib/aptostree-probe/private/key
        chown aptostree-probe:aptostree-probe /var/lib/aptostree-probe/private/key
        chmod 0600 /var/lib/aptostree-probe/private/key
        chgrp shadow /etc/issue
        chmod 0640 /etc/issue
        chown 65534:65534 /etc/motd
        rm /etc/issue.net
        rm -rf /etc/skel
        mkdir /etc/skel
        echo fresh > /etc/skel/.profile
        ln -s ../usr/share/aptostree-sandbox-probe/data.txt /etc/probe-link
        mkfifo /root/fifo
        rm -f /var/log/dpkg.log /var/log/alternatives.log
        """;

    private const string SourceDateEpoch = "1700000000";

    [SkippableFact]
    public async Task RunAsync_AsUnprivilegedUser_CapturesTheSameChangesAsRoot()
    {
        SandboxTrees.RequireTools();
        ExternalTool.Require("newuidmap", "newgidmap", "runuser", "dotnet");
        var rootTree = trees.RootTree;
        var userTree = trees.UserTree;
        using var scriptDir = new TempDirectory();
        LibcPosixFileSystem.Instance.SetPermissions(scriptDir.Path, 0x1ED);
        var script = scriptDir.Combine("script.sh");
        File.WriteAllText(script, Script);

        // As root, in this process.
        List<string> asRoot;
        var options = new ScriptSandboxOptions
        {
            ReadOnlyBinds = new Dictionary<string, string> { [SandboxProbe.ScriptPathInSandbox] = script },
            Environment = new Dictionary<string, string> { ["SOURCE_DATE_EPOCH"] = SourceDateEpoch },
        };
        await using (var sandbox = ScriptSandbox.Open(rootTree.Checkout, trees.NewWorkDirectory(forTestUser: false), options))
        {
            Assert.False(sandbox.IsUnprivileged);
            var result = await sandbox.RunAsync(["sh", "-e", SandboxProbe.ScriptPathInSandbox]);
            output.WriteLine(result.OutputTail);
            result.EnsureSuccess();
            var changes = sandbox.CaptureChanges();
            asRoot = SandboxFingerprint.Of(sandbox, changes);

            // What the script did is what was captured: the new user owns its private file, shadow's group, nobody.
            var passwd = ScriptSandboxTests.ReadContent(sandbox, changes.Find("etc/passwd")!);
            var probeUser = passwd.Split('\n').Single(l => l.StartsWith("aptostree-probe:", StringComparison.Ordinal)).Split(':');
            uint uid = uint.Parse(probeUser[2], System.Globalization.CultureInfo.InvariantCulture);
            uint gid = uint.Parse(probeUser[3], System.Globalization.CultureInfo.InvariantCulture);
            Assert.InRange(uid, 100u, 999u);
            var key = changes.Find("var/lib/aptostree-probe/private/key")!;
            Assert.Equal((uid, gid, 0x180u), (key.Uid, key.Gid, key.Permissions));
            Assert.Equal(0x1C0u, changes.Find("var/lib/aptostree-probe/private")!.Permissions);
            Assert.Equal((42u, true), (changes.Find("etc/issue")!.Gid, changes.Find("etc/issue")!.MetadataChanged));
            // adduser rewrote /etc/shadow keeping the owner and mode it saw: the commit's root:shadow 0640 stands.
            Assert.False(changes.Find("etc/shadow")!.MetadataChanged);
            Assert.Equal((65534u, 65534u), (changes.Find("etc/motd")!.Uid, changes.Find("etc/motd")!.Gid));
            Assert.Equal(SandboxChangeKind.Deleted, changes.Find("etc/issue.net")!.Kind);
            Assert.True(changes.Find("etc/skel")!.IsOpaque);
        }

        // As the unprivileged test user, in a process of its own.
        var run = UnprivilegedTestUser.Run(
            SandboxProbe.Command("run", userTree.Checkout, trees.NewWorkDirectory(forTestUser: true), script, "SOURCE_DATE_EPOCH=" + SourceDateEpoch));
        output.WriteLine(run.StandardOutput + run.StandardError);
        Assert.True(run.ExitCode == 0, $"probe exited {run.ExitCode}: {run.StandardOutput}{run.StandardError}");
        var lines = run.StandardOutput.Split('\n');
        Assert.Equal("exit 0", lines[0]);
        var asUser = lines.Where(l => l.StartsWith("change ", StringComparison.Ordinal)).Select(l => l["change ".Length..]).ToList();

        foreach (var line in asRoot.Except(asUser).Concat(asUser.Except(asRoot).Select(l => "user only: " + l)))
        {
            output.WriteLine("DIFF " + line);
        }

        Assert.Equal(asRoot, asUser);
        Assert.Contains(asUser, l => l.StartsWith("written var/lib/aptostree-probe/private/key RegularFile 600 ", StringComparison.Ordinal));

        // Neither repository was written through its hard links.
        Assert.Equal(SandboxTrees.ProbeOriginal, File.ReadAllText(Path.Combine(userTree.Checkout, SandboxTrees.ProbeFile)));
        var fsck = UnprivilegedTestUser.Run(["ostree", "--repo=" + userTree.Repository, "fsck"]);
        output.WriteLine(fsck.StandardOutput + fsck.StandardError);
        Assert.Equal(0, fsck.ExitCode);
    }

    [SkippableFact]
    public void Open_UserWithoutSubordinateIds_ThrowsSubordinateIdsMissing()
    {
        SandboxTrees.RequireTools();
        ExternalTool.Require("newuidmap", "newgidmap", "runuser", "dotnet");
        Skip.If(File.Exists("/etc/subuid") && File.ReadLines("/etc/subuid").Any(l => l.StartsWith("nobody:", StringComparison.Ordinal) || l.StartsWith("65534:", StringComparison.Ordinal)), "nobody has subordinate ids here.");
        var run = UnprivilegedTestUser.RunAs("nobody", "/tmp", SandboxProbe.Command("open-run", "/usr/share", "/tmp/aptostree-sbx-nobody-" + Guid.NewGuid().ToString("N")));
        output.WriteLine(run.StandardOutput + run.StandardError);
        Assert.StartsWith($"error {ComposeErrorCodes.SubordinateIdsMissing} ", run.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("/etc/subuid", run.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("nobody", run.StandardOutput, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void RunAsync_UserNamespacesDisabled_ThrowsUserNamespacesUnavailable()
    {
        SandboxTrees.RequireTools();
        ExternalTool.Require("newuidmap", "newgidmap", "runuser", "dotnet");
        var userTree = trees.UserTree;
        // bubblewrap's --disable-userns sets the user-namespace limit to zero for everything inside: exactly what a
        // host with user namespaces turned off looks like to the probe.
        var run = UnprivilegedTestUser.Run([
            "bwrap", "--unshare-user", "--disable-userns", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--bind", "/tmp", "/tmp", "--",
            .. SandboxProbe.Command("open-run", userTree.Checkout, trees.NewWorkDirectory(forTestUser: true)),
        ]);
        output.WriteLine(run.StandardOutput + run.StandardError);
        Assert.StartsWith($"error {ComposeErrorCodes.UserNamespacesUnavailable} ", run.StandardOutput, StringComparison.Ordinal);
    }
}
