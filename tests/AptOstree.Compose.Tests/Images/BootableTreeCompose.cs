using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using AptOstree.OSTree;
using AptOstree.Testing;

namespace AptOstree.Compose.Tests.Images;

/// <summary>
/// The boot tests' tree: <c>samples/treefiles/debian-12-bootable.yaml</c> (minbase + systemd-sysv, udev, kmod,
/// e2fsprogs, dracut, ostree-boot, ostree; <c>kernel: linux-image-amd64</c>; the test VM's drivers for dracut) plus a
/// <c>postprocess</c> script installing the marker unit, composed with our <see cref="TreeComposer"/> from the host's
/// apt lists (copied first, so the mirror cannot change under the tests). One real compose per test process (forced,
/// so a changed pipeline never hands back an old commit; later callers get its result): the repository lives under
/// <c>/tmp/aptostree-test-cache/boot/KEY</c>, keyed by the lists and the treefile, so its imported packages are reused
/// across runs, and a cross-process lock serialises test processes.
/// </summary>
internal static class BootableTreeCompose
{
    public const string Ref = "debian/12/x86_64/boot-test";

    /// <summary>The unit the kernel command line boots (<c>systemd.unit=</c>): the marker, then power-off.</summary>
    public const string MarkerTarget = "aptostree-boot-marker.target";

    /// <summary>The test treefile's <c>kernel.cmdline</c>: the image's boot entry carries it, and the booted kernel shows it.</summary>
    public const string TreefileKernelArgument = "aptostree.treefile-karg=1";

    // The marker unit and script, installed by the treefile's postprocess step (inside the script sandbox).
    private const string MarkerPostprocess = """
        set -eu
        mkdir -p /usr/libexec /usr/lib/systemd/system
        cat > /usr/libexec/aptostree-boot-marker <<'MARKER'
        #!/bin/sh
        {
          echo "APTOSTREE-MARKER-BEGIN"
          echo "cmdline: $(cat /proc/cmdline)"
          if [ -e /run/ostree-booted ]; then echo "ostree-booted: yes"; else echo "ostree-booted: no"; fi
          for f in /etc/aptostree-test /var/aptostree-test; do
            if [ -e "$f" ]; then echo "file $f: present ($(cat "$f"))"; else echo "file $f: absent"; fi
          done
          if command -v hello >/dev/null 2>&1; then echo "hello: $(hello)"; else echo "hello: not installed"; fi
          echo "status-begin"
          ostree admin status 2>&1 | sed 's/^/status: /'
          echo "status-end"
          n=$(cat /var/aptostree-boots 2>/dev/null || echo 0); n=$((n+1)); echo "$n" > /var/aptostree-boots
          echo "boot-count: $n"
          [ -e /etc/aptostree-test ] || echo "written in boot $n" > /etc/aptostree-test
          [ -e /var/aptostree-test ] || echo "written in boot $n" > /var/aptostree-test
          sync
          echo "APTOSTREE-MARKER-END"
        } > /dev/ttyS0 2>&1
        MARKER
        chmod 0755 /usr/libexec/aptostree-boot-marker
        cat > /usr/lib/systemd/system/aptostree-boot-marker.service <<'UNIT'
        [Unit]
        Description=AptOstree boot test marker
        After=basic.target
        Requires=basic.target
        SuccessAction=poweroff-force
        FailureAction=poweroff-force

        [Service]
        Type=oneshot
        ExecStart=/usr/libexec/aptostree-boot-marker
        UNIT
        cat > /usr/lib/systemd/system/aptostree-boot-marker.target <<'UNIT'
        [Unit]
        Description=AptOstree boot test (marker, then power off)
        Requires=basic.target aptostree-boot-marker.service
        After=basic.target aptostree-boot-marker.service
        AllowIsolate=yes
        UNIT
        echo aptostree > /etc/hostname
        """;

    private const string BaseDirectory = "/tmp/aptostree-test-cache";
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static (OstreeRepository Repository, ComposeResult Result, TimeSpan Duration)? _composed;

    /// <summary>The sample treefile (repository root's <c>samples/treefiles</c>).</summary>
    public static string SampleTreefile { get; } = Path.Combine(RepositoryRoot(), "samples", "treefiles", "debian-12-bootable.yaml");

    /// <summary>The test's treefile: the sample, its own ref, the marker.</summary>
    public static Treefile Treefile()
    {
        var text = new StringBuilder()
            .Append("include: ").Append(Path.GetFileName(SampleTreefile)).Append('\n')
            .Append("ref: ").Append(Ref).Append('\n')
            .Append("kernel:\n  package: linux-image-amd64\n  cmdline: [").Append(TreefileKernelArgument).Append("]\n")
            .Append("postprocess:\n  - |\n");
        foreach (var line in MarkerPostprocess.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n'))
        {
            text.Append("    ").Append(line).Append('\n');
        }

        return TreefileLoader.Parse(text.ToString(), "boot-test.yaml", Path.GetDirectoryName(SampleTreefile));
    }

    /// <summary>Composes the treefile (or finds this run's compose) and returns the repository and the result.</summary>
    public static async Task<(OstreeRepository Repository, ComposeResult Result, TimeSpan Duration)> ComposeAsync(Action<string> log)
    {
        ExternalTool.Require("bwrap", "dpkg");
        var lists = HostLists();
        Skip.If(lists.Count == 0, "the host has no bookworm apt lists (run apt-get update with bookworm sources)");
        await Gate.WaitAsync();
        try
        {
            if (_composed is { } done)
            {
                log($"[boot-test] compose: done earlier in this test run ({done.Duration.TotalSeconds:F1} s)");
                return done;
            }

            string composeDir = Path.Combine(BaseDirectory, "compose");
            Directory.CreateDirectory(composeDir);
            // The minbase fixture's lock: both share the .deb cache.
            using var gate = TestCache.Lock(Path.Combine(composeDir, ".lock"));
            string dir = Path.Combine(BaseDirectory, "boot", Key(lists));
            string listsDir = Path.Combine(dir, "lists");
            TestCache.SnapshotLists(lists, listsDir);

            string repoPath = Path.Combine(dir, "repo");
            var repo = Directory.Exists(repoPath) ? OstreeRepository.Open(repoPath) : OstreeRepository.Create(repoPath, Environment.IsPrivilegedProcess ? RepoMode.Bare : RepoMode.BareUser);
            var options = new ComposeOptions { CacheDirectory = Path.Combine(composeDir, "cache"), ListsDirectory = listsDir, WorkDirectory = Path.Combine(dir, "work"), Force = true };
            var clock = Stopwatch.StartNew();
            var result = await new TreeComposer(repo).ComposeAsync(Treefile(), options);
            clock.Stop();
            log($"[boot-test] compose: {clock.Elapsed.TotalSeconds:F1} s");
            foreach (var phase in result.Phases)
            {
                log($"[boot-test]   compose {phase.Phase}: {phase.Duration.TotalSeconds:F1} s");
            }

            foreach (var script in result.Scripts.Take(5))
            {
                log($"[boot-test]   script {script.Script}: {script.Duration.TotalSeconds:F1} s");
            }

            _composed = (repo, result, clock.Elapsed);
            return _composed.Value;
        }
        finally
        {
            Gate.Release();
        }
    }

    private static List<string> HostLists()
    {
        const string hostLists = "/var/lib/apt/lists";
        return Directory.Exists(hostLists)
            ? Directory.EnumerateFiles(hostLists).Where(f => f.Contains("bookworm", StringComparison.Ordinal) && (f.EndsWith("Release", StringComparison.Ordinal) || f.Contains("_Packages", StringComparison.Ordinal))).Order(StringComparer.Ordinal).ToList()
            : [];
    }

    private static string Key(List<string> lists)
    {
        var key = new StringBuilder();
        foreach (var f in lists)
        {
            key.Append(Path.GetFileName(f)).Append(' ').Append(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(f)))).Append('\n');
        }

        key.Append(File.ReadAllText(SampleTreefile)).Append(MarkerPostprocess).Append('\n');

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key.ToString())))[..16];
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "AptOstree.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No AptOstree.sln above {AppContext.BaseDirectory}.");
    }
}
