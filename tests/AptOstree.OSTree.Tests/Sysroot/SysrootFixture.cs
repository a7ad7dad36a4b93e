using AptOstree.OSTree.Sysroot;
using AptOstree.Posix;
using AptOstree.Testing;

namespace AptOstree.OSTree.Tests.Sysroot;

/// <summary>
/// Builds bootable test commits with the real <c>ostree</c> and sysroots in a temp directory; runs
/// <c>ostree admin</c> against them with <c>OSTREE_SYSROOT_DEBUG=mutable-deployments</c> (no chattr +i).
/// </summary>
internal sealed class SysrootFixture : IDisposable
{
    public const string Os = "myos";
    public const string Branch = "myos/stable";

    private static readonly Dictionary<string, string> AdminEnvironment = new() { ["OSTREE_SYSROOT_DEBUG"] = "mutable-deployments" };
    private readonly TempDirectory _temp = new("aptostree-sysroot-");
    private int _trees;

    public SysrootFixture()
    {
        ExternalTool.Require("ostree");
        Skip.IfNot(LibcPosixFileSystem.IsRoot, "ostree admin on a bare sysroot repo needs root.");
        SourceRepo = _temp.Combine("src-repo");
        Ostree("init", $"--repo={SourceRepo}", "--mode=bare-user");
    }

    public string SourceRepo { get; }

    public string Dir => _temp.Path;

    /// <summary>A tree with a kernel (content decides the boot checksum), os-release and /etc defaults.</summary>
    public string NewTree(string kernel = "kernel-1", string? initramfs = "initramfs-1", Action<string>? customize = null)
    {
        string tree = _temp.Combine($"tree{_trees++}");
        Directory.CreateDirectory($"{tree}/usr/lib/modules/5.10.0");
        Directory.CreateDirectory($"{tree}/usr/etc/sub");
        Directory.CreateDirectory($"{tree}/usr/bin");
        File.WriteAllText($"{tree}/usr/lib/modules/5.10.0/vmlinuz", kernel);
        if (initramfs is not null)
        {
            File.WriteAllText($"{tree}/usr/lib/modules/5.10.0/initramfs.img", initramfs);
        }

        File.WriteAllText($"{tree}/usr/lib/os-release", "ID=myos\nPRETTY_NAME=\"My OS\"\n");
        File.WriteAllText($"{tree}/usr/etc/hostname", "default\n");
        File.WriteAllText($"{tree}/usr/etc/sub/a.conf", "a=1\n");
        customize?.Invoke(tree);
        return tree;
    }

    /// <summary>Commits a tree onto <paramref name="branch"/> of the source repo; returns the checksum.</summary>
    public string Commit(string tree, string version, string branch = Branch) =>
        Ostree("commit", $"--repo={SourceRepo}", "-b", branch, $"--add-metadata-string=version={version}", "--owner-uid=0", "--owner-gid=0", $"--tree=dir={tree}").Trim();

    /// <summary>init-fs + os-init with the real ostree, then pulls the source branches in.</summary>
    public string NewSysroot(string name = "sr")
    {
        string sr = _temp.Combine(name);
        Directory.CreateDirectory(sr);
        Ostree("admin", "init-fs", "--modern", sr);
        Ostree("admin", "os-init", $"--sysroot={sr}", Os);
        Pull(sr);
        return sr;
    }

    public void Pull(string sysroot, string branch = Branch) => Ostree("--repo=" + sysroot + "/ostree/repo", "pull-local", SourceRepo, branch);

    public string CopySysroot(string sysroot, string name)
    {
        string copy = _temp.Combine(name);
        ExternalTool.Output("cp", "-a", sysroot, copy);
        return copy;
    }

    public OstreeSysroot Open(string sysroot, IPosixFileSystem? fs = null, string? kernelCommandLine = null) =>
        new(sysroot, OstreeRepository.Open($"{sysroot}/ostree/repo"), fs, kernelCommandLine: kernelCommandLine);

    public static string Ostree(params string[] args) =>
        ExternalTool.Run("ostree", args, environment: AdminEnvironment).EnsureSuccess("ostree " + string.Join(' ', args)).StandardOutput;

    public static ToolResult TryOstree(params string[] args) => ExternalTool.Run("ostree", args, environment: AdminEnvironment);

    /// <summary><c>ostree admin status</c> parsed into (stateroot, commit, serial, pinned, booted, staged) in list order.</summary>
    public static List<(string Os, string Commit, int Serial, bool Pinned, bool Booted)> OstreeStatus(string sysroot)
    {
        var result = new List<(string, string, int, bool, bool)>();
        foreach (var line in Ostree("admin", "status", $"--sysroot={sysroot}").Split('\n'))
        {
            if (line.Length > 2 && line[2] != ' ' && (line.StartsWith("  ", StringComparison.Ordinal) || line.StartsWith("* ", StringComparison.Ordinal)))
            {
                var parts = line[2..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                var (commit, serial) = Deployment.ParseName(parts[1]);
                result.Add((parts[0], commit.ToString(), serial, false, line[0] == '*'));
            }
            else if (line.Trim() == "Pinned: yes" && result.Count > 0)
            {
                result[^1] = result[^1] with { Item4 = true };
            }
        }

        return result;
    }

    /// <summary>Our view in the same shape as <see cref="OstreeStatus"/>.</summary>
    public static List<(string Os, string Commit, int Serial, bool Pinned, bool Booted)> OurStatus(OstreeSysroot sysroot) =>
        sysroot.GetDeployments().Select(d => (d.Stateroot, d.Commit.ToString(), d.DeploySerial, d.IsPinned, d.IsBooted)).ToList();

    /// <summary>Text of every BLS entry of the current bootversion, by file name.</summary>
    public static SortedDictionary<string, string> Entries(string sysroot)
    {
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles($"{sysroot}/boot/loader/entries"))
        {
            result[Path.GetFileName(file)] = File.ReadAllText(file);
        }

        return result;
    }

    public void Dispose() => _temp.Dispose();
}
