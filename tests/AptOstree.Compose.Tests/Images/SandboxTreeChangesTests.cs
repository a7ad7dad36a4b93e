using System.Globalization;
using System.Text.RegularExpressions;
using AptOstree.Compose.Images;
using AptOstree.Compose.Tests.Scripts;
using AptOstree.OSTree;
using AptOstree.Testing;
using Xunit.Abstractions;

namespace AptOstree.Compose.Tests.Images;

/// <summary>
/// What commands change in a <see cref="ScriptSandbox"/>, applied to the in-memory tree of the sandbox's lower commit
/// (the kernel step's last move), gives the tree the commands saw: every path's type, mode, owner, size and link
/// target in the sandbox (GNU <c>find</c> inside it) equals the committed result as the real <c>ostree ls -R</c> lists it.
/// </summary>
[Collection(SandboxTreesCollection.Name)]
public sealed partial class SandboxTreeChangesTests(SandboxTrees trees, ITestOutputHelper output)
{
    // Not in the sandbox's own view of the tree: its mounts (kernel file systems, tmpfs) and the bound policy-rc.d.
    private static readonly string[] SandboxMounts = ["/proc", "/sys", "/dev", "/run", "/tmp", "/usr/sbin/policy-rc.d"];

    [SkippableFact]
    public async Task Apply_EveryKindOfChange_CommitEqualsTheSandboxView()
    {
        SandboxTrees.RequireTools();
        var tree = trees.RootTree;
        var repository = OstreeRepository.Open(tree.Repository);
        // A root checkout (owners, setuid bits and groups as the commit records them), as the kernel step makes one;
        // the fixture's shared checkout is a user-mode one.
        string lower = Path.Combine(Path.GetDirectoryName(trees.NewWorkDirectory(forTestUser: false))!, "lower");
        ExternalTool.Run("ostree", ["--repo=" + tree.Repository, "checkout", SandboxTrees.Branch, lower], timeout: TimeSpan.FromMinutes(10)).EnsureSuccess("ostree checkout");
        await using var sandbox = ScriptSandbox.Open(lower, trees.NewWorkDirectory(forTestUser: false), new ScriptSandboxOptions { OutputTailBytes = 64 << 20 });
        (await sandbox.RunAsync(["sh", "-ec", """
            rm /etc/issue.net
            rm -rf /etc/skel && mkdir /etc/skel && echo fresh > /etc/skel/.profile
            ln -s ../usr/share/aptostree-sandbox-probe/data.txt /etc/probe-link
            echo appended >> /usr/share/aptostree-sandbox-probe/data.txt
            chmod 4755 /usr/bin/env
            chgrp shadow /etc/issue && chmod 0640 /etc/issue
            chmod 0750 /srv && chown 0:4 /srv
            mkdir -p /opt/new/deeper && echo deep > /opt/new/deeper/file && chmod 0700 /opt/new
            rm /etc/motd && mkdir /etc/motd && echo inside > /etc/motd/file
            rm -rf /usr/share/doc/dpkg && ln -s base-files /usr/share/doc/dpkg
            rm /usr/bin/tty && echo '#!/bin/sh' > /usr/bin/tty && chmod 0755 /usr/bin/tty
            ln -sf /nowhere /usr/bin/dirname
            mkfifo /root/fifo
            """])).EnsureSuccess();
        var sandboxView = Listing((await sandbox.RunAsync(["find", "/", "-mindepth", "1", .. SandboxMounts.SelectMany(m => new[] { "-path", m, "-prune", "-o" }), "-printf", "%y %m %U %G %s %p\t%l\n"]))
            .EnsureSuccess().OutputTail);

        var root = MutableTree.FromCommit(repository, repository.ResolveRev(SandboxTrees.Branch));
        int applied = SandboxTreeChanges.Apply(repository, sandbox, root, sandbox.CaptureChanges());
        var commit = repository.CommitTree(root, new CommitOptions { Orphan = true, Timestamp = DateTimeOffset.UnixEpoch, Subject = "sandbox changes applied" });
        string ls = ExternalTool.Run("ostree", ["ls", "-R", "--repo=" + tree.Repository, commit.ToString(), "/"]).EnsureSuccess("ostree ls -R").StandardOutput;
        var committed = OstreeListing(ls);
        foreach (var hidden in committed.Keys.Where(p => SandboxMounts.Any(m => p == m || p.StartsWith(m + "/", StringComparison.Ordinal))).ToList())
        {
            committed.Remove(hidden);
        }

        output.WriteLine($"{applied} changes applied; {committed.Count} paths committed, {sandboxView.Count} in the sandbox");

        // A FIFO cannot be committed (OSTree holds files, directories and symlinks): the one difference, by design.
        Assert.Equal("p", sandboxView["/root/fifo"].Type);
        sandboxView.Remove("/root/fifo");
        Assert.Empty(sandboxView.Where(kv => !committed.TryGetValue(kv.Key, out var c) || c != kv.Value).Select(kv => $"{kv.Key}: sandbox {kv.Value}, commit {committed.GetValueOrDefault(kv.Key)}").Take(20));
        Assert.Empty(committed.Keys.Except(sandboxView.Keys).Take(20));

        string Cat(string path) => ExternalTool.Run("ostree", ["cat", "--repo=" + tree.Repository, commit.ToString(), path]).EnsureSuccess("ostree cat " + path).StandardOutput;
        Assert.Equal(SandboxTrees.ProbeOriginal + "appended\n", Cat("/usr/share/aptostree-sandbox-probe/data.txt"));
        Assert.Equal("fresh\n", Cat("/etc/skel/.profile"));
        Assert.Equal("deep\n", Cat("/opt/new/deeper/file"));
        Assert.Equal("#!/bin/sh\n", Cat("/usr/bin/tty"));
        var fsck = ExternalTool.Run("ostree", ["--repo=" + tree.Repository, "fsck"], timeout: TimeSpan.FromMinutes(10));
        Assert.True(fsck.ExitCode == 0, fsck.StandardOutput + fsck.StandardError);
    }

    /// <summary><c>find -printf '%y %m %U %G %s %p\t%l\n'</c> by path; sizes only for regular files.</summary>
    private static Dictionary<string, Entry> Listing(string text)
    {
        var entries = new Dictionary<string, Entry>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var (head, target) = (line[..line.IndexOf('\t', StringComparison.Ordinal)], line[(line.IndexOf('\t', StringComparison.Ordinal) + 1)..]);
            var f = head.Split(' ', 6);
            string type = f[0] == "f" ? "-" : f[0];
            entries[f[5]] = new Entry(type, Convert.ToUInt32(f[1], 8), uint.Parse(f[2], CultureInfo.InvariantCulture), uint.Parse(f[3], CultureInfo.InvariantCulture),
                type == "-" ? long.Parse(f[4], CultureInfo.InvariantCulture) : 0, type == "l" ? target : null);
        }

        return entries;
    }

    /// <summary><c>ostree ls -R</c> lines (<c>-00644 0 0   12 /path</c>, symlinks <c>… -> target</c>) by path, the root left out.</summary>
    private static Dictionary<string, Entry> OstreeListing(string text)
    {
        var entries = new Dictionary<string, Entry>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var m = OstreeLsLine().Match(line);
            Assert.True(m.Success, "unexpected ostree ls line: " + line);
            string[] f = [m.Groups[1].Value, m.Groups[2].Value, m.Groups[3].Value, m.Groups[4].Value];
            var rest = m.Groups[5].Value;
            string type = f[0][..1];
            string? target = null;
            if (type == "l")
            {
                int arrow = rest.IndexOf(" -> ", StringComparison.Ordinal);
                (rest, target) = (rest[..arrow], rest[(arrow + 4)..]);
            }

            if (rest != "/")
            {
                entries[rest] = new Entry(type, Convert.ToUInt32(f[0][1..], 8) & 0xFFF, uint.Parse(f[1], CultureInfo.InvariantCulture), uint.Parse(f[2], CultureInfo.InvariantCulture),
                    type == "-" ? long.Parse(f[3], CultureInfo.InvariantCulture) : 0, target);
            }
        }

        return entries;
    }

    [GeneratedRegex(@"^(\S\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s(/.*)$")]
    private static partial Regex OstreeLsLine();

    private sealed record Entry(string Type, uint Permissions, uint Uid, uint Gid, long Size, string? LinkTarget);
}
