using System.Text;
using AptOstree.OSTree.Sysroot;
using AptOstree.Posix;
using AptOstree.Testing;
using static AptOstree.OSTree.Tests.Sysroot.SysrootFixture;

namespace AptOstree.OSTree.Tests.Sysroot;

/// <summary>The §5.7 corner cases give the same /etc with our deploy and with <c>ostree admin deploy</c>.</summary>
public sealed class EtcMergeParityTests
{
    private static readonly IPosixFileSystem Fs = LibcPosixFileSystem.Instance;

    [SkippableFact]
    public void Corner_cases_merge_exactly_like_ostree_admin_deploy()
    {
        using var fx = new SysrootFixture();
        fx.Commit(fx.NewTree(customize: t =>
        {
            Write(t, "usr/etc/removeme.conf", "r1");
            Write(t, "usr/etc/testdirectory/test", "t1");
            Write(t, "usr/etc/nm/nm.conf", "nm1");
            Write(t, "usr/etc/modeonly.conf", "m");
            Write(t, "usr/etc/secret", "s");
            Write(t, "usr/etc/d2f/x", "x");
            Write(t, "usr/etc/olddir/keep", "k");
            Write(t, "usr/etc/f2l", "f");
            File.CreateSymbolicLink($"{t}/usr/etc/link", "hostname");
        }), "1.0");
        string baseSr = fx.NewSysroot();
        Ostree("admin", "deploy", $"--sysroot={baseSr}", $"--os={Os}", Branch);
        string etc = EtcOf(baseSr);

        // Local changes in the deployed /etc.
        File.WriteAllText($"{etc}/hostname", "mine\n");
        File.Delete($"{etc}/removeme.conf");
        Directory.Delete($"{etc}/testdirectory", recursive: true);
        Fs.SetPermissions($"{etc}/nm", 0x1C0);
        Fs.SetPermissions($"{etc}/modeonly.conf", 0x180);
        Fs.SetOwner($"{etc}/secret", 1000, 1000);
        File.Delete($"{etc}/link");
        File.CreateSymbolicLink($"{etc}/link", "sub/a.conf");
        File.Delete($"{etc}/f2l");
        File.CreateSymbolicLink($"{etc}/f2l", "hostname");
        Write(etc, "olddir/local.conf", "local");
        Write(etc, "localadd.conf", "added");
        Write(etc, "localdir/deep/x", "deep");
        Fs.SetPermissions($"{etc}/localdir", 0x1E8);
        File.CreateSymbolicLink($"{etc}/dangling", "/nonexistent");
        Fs.CreateNode($"{etc}/myfifo", 0x1000 | 0x1A4, 0);

        fx.Commit(fx.NewTree(customize: t =>
        {
            Write(t, "usr/etc/sub/a.conf", "a=2\n");
            Write(t, "usr/etc/removeme.conf", "r2");
            Write(t, "usr/etc/testdirectory/test", "t2");
            Write(t, "usr/etc/nm/nm.conf", "nm2");
            Write(t, "usr/etc/modeonly.conf", "m");
            Write(t, "usr/etc/secret", "s2");
            Write(t, "usr/etc/d2f", "now a file");
            Write(t, "usr/etc/f2l", "f");
            Write(t, "usr/etc/newdefault.conf", "new");
            File.CreateSymbolicLink($"{t}/usr/etc/link", "hostname");
        }), "2.0");
        fx.Pull(baseSr);
        string refSr = fx.CopySysroot(baseSr, "ref");
        string ourSr = fx.CopySysroot(baseSr, "our");

        Ostree("admin", "deploy", $"--sysroot={refSr}", $"--os={Os}", Branch);
        fx.Open(ourSr).Deploy(Branch, new DeployOptions { Stateroot = Os });

        var expected = Snapshot(EtcOf(refSr));
        var actual = Snapshot(EtcOf(ourSr));
        Assert.Equal(expected, actual);

        // Spot checks that the scenario exercised what it claims (so parity is not vacuous).
        Assert.Contains("hostname f 644 0:0 mine\n", actual);
        Assert.DoesNotContain(actual, l => l.StartsWith("removeme.conf ", StringComparison.Ordinal) || l.StartsWith("testdirectory", StringComparison.Ordinal));
        Assert.Contains("nm d 755 0:0", actual);
        Assert.Contains("nm/nm.conf f 644 0:0 nm2", actual);
        Assert.Contains("secret f 644 1000:1000 s", actual);
        Assert.Contains("d2f f 644 0:0 now a file", actual);
        Assert.Contains("olddir/local.conf f 644 0:0 local", actual);
        Assert.Contains("localdir d 750 0:0", actual);
        Assert.Contains("dangling l /nonexistent 0:0", actual);
        Assert.DoesNotContain(actual, l => l.StartsWith("myfifo", StringComparison.Ordinal));
        OstreeSysrootParityTests.AssertSameBootConfiguration(refSr, ourSr);
    }

    [SkippableFact]
    public void Modified_file_that_newly_defaults_to_a_directory_fails_like_ostree_and_keeps_the_boot_configuration()
    {
        using var fx = new SysrootFixture();
        fx.Commit(fx.NewTree(customize: t => Write(t, "usr/etc/f2d", "file")), "1.0");
        string baseSr = fx.NewSysroot();
        Ostree("admin", "deploy", $"--sysroot={baseSr}", $"--os={Os}", Branch);
        File.WriteAllText($"{EtcOf(baseSr)}/f2d", "modified");
        fx.Commit(fx.NewTree(customize: t => Write(t, "usr/etc/f2d/inner", "dir now")), "2.0");
        fx.Pull(baseSr);
        string refSr = fx.CopySysroot(baseSr, "ref");
        string ourSr = fx.CopySysroot(baseSr, "our");
        var before = Entries(ourSr);

        var oracle = TryOstree("admin", "deploy", $"--sysroot={refSr}", $"--os={Os}", Branch);
        Assert.NotEqual(0, oracle.ExitCode);
        Assert.Contains("newly defaults to directory", oracle.StandardError, StringComparison.Ordinal);

        var ours = fx.Open(ourSr);
        var ex = Assert.Throws<AptOstreeException>(() => ours.Deploy(Branch, new DeployOptions { Stateroot = Os }));
        Assert.Equal(DeploymentErrorCodes.EtcMergeConflict, ex.ErrorCode);
        Assert.Contains("f2d", ex.Message, StringComparison.Ordinal);
        Assert.Equal(before, Entries(ourSr));
        Assert.Equal(OstreeStatus(refSr), OstreeStatus(ourSr));

        // The next operation removes the half-made deployment directory.
        ours.Cleanup(prune: false);
        Assert.Single(Directory.EnumerateDirectories($"{ourSr}/ostree/deploy/{Os}/deploy"));
    }

    private static string EtcOf(string sr)
    {
        var status = OstreeStatus(sr);
        return $"{sr}/ostree/deploy/{Os}/deploy/{status[0].Commit}.{status[0].Serial}/etc";
    }

    private static void Write(string root, string rel, string text)
    {
        Directory.CreateDirectory(Path.GetDirectoryName($"{root}/{rel}")!);
        File.WriteAllText($"{root}/{rel}", text);
    }

    /// <summary>One line per entry: path, type, mode, owner and content or target.</summary>
    internal static List<string> Snapshot(string root)
    {
        var lines = new List<string>();
        Walk(root, string.Empty, lines);
        return lines;
    }

    private static void Walk(string root, string rel, List<string> lines)
    {
        foreach (var name in Fs.ListDirectory(rel.Length == 0 ? root : $"{root}/{rel}").Order(StringComparer.Ordinal))
        {
            string childRel = rel.Length == 0 ? name : $"{rel}/{name}";
            string path = $"{root}/{childRel}";
            var st = Fs.GetStatus(path);
            string mode = Convert.ToString(st.Permissions, 8);
            switch (st.FileType)
            {
                case PosixFileType.Directory:
                    lines.Add($"{childRel} d {mode} {st.Uid}:{st.Gid}");
                    Walk(root, childRel, lines);
                    break;
                case PosixFileType.SymbolicLink:
                    lines.Add($"{childRel} l {Fs.ReadSymbolicLink(path)} {st.Uid}:{st.Gid}");
                    break;
                case PosixFileType.RegularFile:
                    lines.Add($"{childRel} f {mode} {st.Uid}:{st.Gid} {Encoding.UTF8.GetString(File.ReadAllBytes(path))}");
                    break;
                default:
                    lines.Add($"{childRel} {st.FileType} {mode}");
                    break;
            }
        }
    }
}
