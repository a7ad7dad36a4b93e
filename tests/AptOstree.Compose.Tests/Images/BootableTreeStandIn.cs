using AptOstree.Compose.Images;
using AptOstree.Posix;
using AptOstree.Testing;

namespace AptOstree.Compose.Tests.Images;

/// <summary>
/// A bootable Debian tree in the OSTree layout, made the way the compose pipeline will make it, for the boot test
/// while compose (issue 12) is not on main: the packages come from <c>mmdebstrap --variant=minbase</c> on the host's
/// apt sources (kernel, systemd-sysv, dracut, ostree-boot; cached as a tarball across runs), the kernel and initramfs
/// step is the real <see cref="KernelInitramfsStep"/> in the real <see cref="ScriptSandbox"/>, and the remaining
/// post-processing (<c>/etc</c> → <c>/usr/etc</c>, dpkg database into <c>/usr</c>, <c>/var</c> as tmpfiles.d, the
/// top-level symlinks) is a short script following compose.md §C–§E.
/// </summary>
internal static class BootableTreeStandIn
{
    public const string Packages = "systemd-sysv,linux-image-amd64,dracut,ostree-boot,ostree,udev,kmod,e2fsprogs";

    /// <summary>The unit the kernel command line boots (<c>systemd.unit=</c>): the marker, then power-off.</summary>
    public const string MarkerTarget = "aptostree-boot-marker.target";

    /// <summary>
    /// The kernel modules the test VM needs (q35: virtio disk, ext4), given to dracut as <c>--drivers</c> so the initramfs
    /// holds only these (and their dependencies) instead of every storage driver. This keeps the test inside the CI budget
    /// (2 cores, no KVM): the generic initramfs (the step's default, ~39 MiB) took about 2 minutes more to build and about
    /// 20 s more to load and start per boot under TCG. The dracut modules (systemd, udev, ostree) are the same.
    /// </summary>
    public const string TestVmDrivers = "virtio_pci virtio_blk virtio_scsi sd_mod ext4 crc32c_generic crc32c_intel";

    private static readonly string CacheDirectory = Path.Combine(
        Environment.GetEnvironmentVariable("APTOSTREE_TEST_CACHE") ?? "/tmp/aptostree-test-cache", "boot");

    /// <summary>Prints one block of facts about the booted system to the serial console; the unit then powers off.</summary>
    public const string MarkerScript = """
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

        """;

    private const string MarkerService = """
        [Unit]
        Description=AptOstree boot test marker
        After=basic.target
        Requires=basic.target
        SuccessAction=poweroff-force
        FailureAction=poweroff-force

        [Service]
        Type=oneshot
        ExecStart=/usr/libexec/aptostree-boot-marker

        """;

    private const string MarkerTargetUnit = """
        [Unit]
        Description=AptOstree boot test (marker, then power off)
        Requires=basic.target aptostree-boot-marker.service
        After=basic.target aptostree-boot-marker.service
        AllowIsolate=yes

        """;

    // compose.md §C.16, §D.18-19, §D.22-23, §E.25 and §B.9: what the compose post-processing does after the kernel step.
    private const string OstreeLayoutScript = """
        set -eu
        cd "$1"
        : > etc/machine-id; rm -f var/lib/dbus/machine-id etc/resolv.conf
        echo aptostree > etc/hostname
        : > etc/fstab
        mkdir -p usr/share/dpkg usr/lib/tmpfiles.d
        mv var/lib/dpkg usr/share/dpkg/database
        cat > usr/lib/tmpfiles.d/aptostree-integration.conf <<'TMP'
        d /var/home 0755 root root -
        d /var/roothome 0700 root root -
        d /var/opt 0755 root root -
        d /var/srv 0755 root root -
        d /var/mnt 0755 root root -
        d /var/usrlocal 0755 root root -
        d /var/lib 0755 root root -
        d /var/log 0755 root root -
        d /var/cache 0755 root root -
        d /var/tmp 1777 root root -
        L /var/lib/dpkg - - - - ../../usr/share/dpkg/database
        TMP
        find var -mindepth 1 -maxdepth 1 -exec rm -rf {} +
        for d in home opt srv mnt root; do rm -rf "$d"; done
        ln -s var/home home; ln -s var/opt opt; ln -s var/srv srv; ln -s var/mnt mnt; ln -s var/roothome root
        rm -rf usr/local; ln -s ../var/usrlocal usr/local
        mkdir -p sysroot; ln -sfn sysroot/ostree ostree
        mkdir -p tmp run dev
        find tmp run dev -mindepth 1 -maxdepth 1 -exec rm -rf {} +
        mv etc usr/etc; mkdir etc
        """;

    /// <summary>Builds the tree into <paramref name="root"/> (which must not exist); returns the kernel step's result.</summary>
    public static async Task<KernelInstallation> BuildAsync(string root, string workDirectory, Action<string> log)
    {
        string tarball = BaseTarball(log);
        Directory.CreateDirectory(root);
        ExternalTool.Run("tar", ["-C", root, "--numeric-owner", "-xf", tarball]).EnsureSuccess("tar -x " + tarball);
        KernelInstallation kernel;
        await using (var sandbox = ScriptSandbox.Open(root, workDirectory, new ScriptSandboxOptions
        {
            TimeLimit = TimeSpan.FromMinutes(15),
            Environment = new Dictionary<string, string> { ["SOURCE_DATE_EPOCH"] = "1700000000" },
        }))
        {
            kernel = await new KernelInitramfsStep().RunAsync(sandbox, new InitramfsOptions { Arguments = ["--drivers", TestVmDrivers] });
            SandboxChangesApplier.Apply(sandbox, sandbox.CaptureChanges(), root);
        }

        var fs = LibcPosixFileSystem.Instance;
        Directory.CreateDirectory(Path.Combine(root, "usr/libexec"));
        Write(Path.Combine(root, "usr/libexec/aptostree-boot-marker"), MarkerScript, 0x1ED);
        Write(Path.Combine(root, "usr/lib/systemd/system/aptostree-boot-marker.service"), MarkerService, 0x1A4);
        Write(Path.Combine(root, "usr/lib/systemd/system", MarkerTarget), MarkerTargetUnit, 0x1A4);
        ExternalTool.Run("sh", ["-c", OstreeLayoutScript, "sh", root]).EnsureSuccess("OSTree layout script");
        return kernel;

        void Write(string path, string text, uint mode)
        {
            File.WriteAllText(path, text.Replace("\r\n", "\n", StringComparison.Ordinal));
            fs.SetPermissions(path, mode);
        }
    }

    /// <summary>mmdebstrap's minbase with the boot packages, the kernel's own initramfs hook off (the kernel step owns it).</summary>
    private static string BaseTarball(Action<string> log)
    {
        ExternalTool.Require("mmdebstrap", "tar");
        string suite = File.ReadLines("/etc/os-release").FirstOrDefault(l => l.StartsWith("VERSION_CODENAME=", StringComparison.Ordinal))?.Split('=', 2)[1].Trim('"') ?? "bookworm";
        string path = Path.Combine(CacheDirectory, $"{suite}-minbase-bootable.tar");
        Directory.CreateDirectory(CacheDirectory);
        using var gate = LockFile(Path.Combine(CacheDirectory, ".lock"));
        if (File.Exists(path))
        {
            log($"base tree: cached {path}");
            return path;
        }

        string partial = path + $".{Environment.ProcessId}.partial";
        var started = DateTime.UtcNow;
        var run = ExternalTool.Run(
            "mmdebstrap",
            ["--variant=minbase", "--include=" + Packages, "--aptopt=Apt::Install-Recommends \"false\"", "--skip=output/dev", "--mode=root", "--format=tar", suite, partial],
            environment: new Dictionary<string, string> { ["INITRD"] = "No" },
            timeout: TimeSpan.FromMinutes(15));
        if (run.ExitCode != 0)
        {
            File.Delete(partial);
        }

        // Not a skip: in CI every tool and the host's apt sources are there, so a failing bootstrap is a failure.
        Assert.True(run.ExitCode == 0, $"mmdebstrap of {suite} minbase with {Packages} failed (exit {run.ExitCode}): {run.StandardError[^Math.Min(600, run.StandardError.Length)..]}");
        File.Move(partial, path);
        log($"base tree: mmdebstrap {(DateTime.UtcNow - started).TotalSeconds:F0} s");
        return path;
    }

    /// <summary>One test process at a time builds the cache (FileShare.None is an exclusive flock on Linux).</summary>
    private static FileStream LockFile(string path)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(40);
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(500);
            }
        }
    }
}
