using System.Text;
using AptOstree.Posix;
using AptOstree.Testing;

namespace AptOstree.Compose.Tests.Layering;

/// <summary>
/// A small sysroot made with the real <c>ostree</c>: bootable test commits (kernel, os-release, <c>/usr/etc</c>) whose
/// dpkg database sits where composed trees keep it (<c>usr/share/dpkg/database</c>), deployed with
/// <c>ostree admin deploy</c>. Fast stand-in for the composed minbase (owned by the compose tests).
/// </summary>
internal sealed class LayeringSysroot : IDisposable
{
    public const string Os = "debian";
    public const string Branch = "debian/test/x86_64";

    private static readonly Dictionary<string, string> AdminEnvironment = new() { ["OSTREE_SYSROOT_DEBUG"] = "mutable-deployments" };
    private readonly TempDirectory _temp = new("aptostree-layering-");
    private int _trees;

    public LayeringSysroot()
    {
        ExternalTool.Require("ostree", "dpkg-query");
        Skip.IfNot(LibcPosixFileSystem.IsRoot, "ostree admin on a bare sysroot repository needs root.");
        Path = _temp.Combine("sysroot");
        Directory.CreateDirectory(Path);
        Ostree("admin", "init-fs", "--modern", Path);
        Ostree("admin", "os-init", $"--sysroot={Path}", Os);
    }

    public string Path { get; }

    public string Repo => $"{Path}/ostree/repo";

    public string Temp(string name) => _temp.Combine(name);

    /// <summary>A deployable tree whose dpkg status file holds <paramref name="status"/>.</summary>
    public string NewTree(string status, Action<string>? customize = null)
    {
        string tree = _temp.Combine($"tree{_trees++}");
        Directory.CreateDirectory($"{tree}/usr/lib/modules/5.10.0");
        Directory.CreateDirectory($"{tree}/usr/etc");
        Directory.CreateDirectory($"{tree}/usr/share/dpkg/database/info");
        Directory.CreateDirectory($"{tree}/usr/share/dpkg/database/updates");
        File.WriteAllText($"{tree}/usr/lib/modules/5.10.0/vmlinuz", "kernel");
        File.WriteAllText($"{tree}/usr/lib/modules/5.10.0/initramfs.img", "initramfs");
        File.WriteAllText($"{tree}/usr/lib/os-release", "ID=debian\nPRETTY_NAME=\"Debian test\"\n");
        File.WriteAllText($"{tree}/usr/etc/hostname", "test\n");
        File.WriteAllText($"{tree}/usr/share/dpkg/database/status", status);
        customize?.Invoke(tree);
        return tree;
    }

    /// <summary>Commits a tree into the sysroot repository with the real ostree; returns the checksum.</summary>
    public string Commit(string tree, string version, string? branch = Branch, params string[] extra)
    {
        var args = new List<string> { "commit", $"--repo={Repo}", $"--add-metadata-string=version={version}", "--owner-uid=0", "--owner-gid=0", "--timestamp=@1700000000", $"--tree=dir={tree}" };
        args.Add(branch is null ? "--orphan" : $"--branch={branch}");
        args.AddRange(extra);
        return Ostree([.. args]).Trim();
    }

    /// <summary><c>ostree admin deploy</c> of a revision, optionally with an origin file.</summary>
    public void Deploy(string revision, string? originText = null)
    {
        var args = new List<string> { "admin", "deploy", $"--sysroot={Path}", $"--os={Os}", "--retain" };
        if (originText is not null)
        {
            string file = _temp.Combine($"origin{_trees++}");
            File.WriteAllText(file, originText);
            args.Add($"--origin-file={file}");
        }

        args.Add(revision);
        Ostree([.. args]);
    }

    /// <summary><c>ostree admin status</c> parsed into (stateroot, commit, serial) in list order, with its raw text.</summary>
    public (List<(string Os, string Commit, int Serial)> Deployments, string Text) OstreeStatus()
    {
        string text = Ostree("admin", "status", $"--sysroot={Path}");
        var result = new List<(string, string, int)>();
        foreach (var line in text.Split('\n'))
        {
            if (line.Length > 2 && line[2] != ' ' && (line.StartsWith("  ", StringComparison.Ordinal) || line.StartsWith("* ", StringComparison.Ordinal)))
            {
                var parts = line[2..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                var (commit, serial) = AptOstree.OSTree.Sysroot.Deployment.ParseName(parts[1]);
                result.Add((parts[0], commit.ToString(), serial));
            }
        }

        return (result, text);
    }

    /// <summary>
    /// The packages of a commit as <c>dpkg-query</c> sees them: the commit's database checked out with the real ostree,
    /// then <c>dpkg-query --admindir -W</c>, keeping the states whose files are on disk.
    /// </summary>
    public List<string> DpkgQuery(string commit)
    {
        string dir = _temp.Combine($"db{_trees++}");
        Ostree("checkout", $"--repo={Repo}", "--subpath=/usr/share/dpkg/database", commit, dir);
        var output = ExternalTool.Output("dpkg-query", $"--admindir={dir}", "-W", "-f", "${db:Status-Status} ${Package} ${Version} ${Architecture}\n");
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(' ', 2))
            .Where(f => f[0] is not ("not-installed" or "config-files"))
            .Select(f => f[1])
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    public static string Ostree(params string[] args) =>
        ExternalTool.Run("ostree", args, environment: AdminEnvironment).EnsureSuccess("ostree " + string.Join(' ', args)).StandardOutput;

    /// <summary>A dpkg status stanza.</summary>
    public static string Stanza(string name, string version, string arch = "amd64", string status = "install ok installed") =>
        new StringBuilder()
            .Append("Package: ").Append(name).Append('\n')
            .Append("Status: ").Append(status).Append('\n')
            .Append("Priority: optional\nSection: misc\nInstalled-Size: 10\nMaintainer: Test <test@example.org>\n")
            .Append("Architecture: ").Append(arch).Append('\n')
            .Append("Version: ").Append(version).Append('\n')
            .Append("Description: test package ").Append(name).Append('\n')
            .Append('\n').ToString();

    public void Dispose() => _temp.Dispose();
}
