using System.Security.Cryptography;
using System.Text;
using AptOstree.Compose.Tests.Pipeline;
using AptOstree.Deb.Apt;
using AptOstree.Testing;

namespace AptOstree.Compose.Tests.Postprocess;

/// <summary>
/// The composed bookworm minbase <c>/usr</c> against <c>mmdebstrap --variant=minbase --mode=root</c> installing the
/// very same .debs (a local repository of the compose's downloads, so the mirror cannot differ): every path compared
/// by type, mode, owner, content and link target, except the documented <see cref="Exceptions"/>.
/// </summary>
[Collection(nameof(MinbaseComposeCollection))]
public sealed class MinbaseUsrComparisonTests(MinbaseComposeFixture fixture)
{
    /// <summary>
    /// Paths (and everything below them) that differ by design, each with the why. The OSTree layout adds or moves:
    /// <list type="bullet">
    /// <item><c>usr/etc</c>: the tree's <c>/etc</c>, moved into <c>/usr</c> for OSTree's three-way merge (mmdebstrap keeps it in <c>/etc</c>).</item>
    /// <item><c>usr/share/dpkg/database</c>: dpkg's database moved out of <c>/var/lib/dpkg</c>, which is per-machine state on OSTree systems.</item>
    /// <item><c>usr/lib/aptostree</c>: relocated package-manager state (apt, debconf, ucf, deb-systemd-helper) and the per-package tmpfiles fragments.</item>
    /// <item><c>usr/share/factory</c>: the regular files packages ship in <c>/var</c>, copied back at boot by tmpfiles <c>C</c> lines.</item>
    /// <item><c>usr/lib/tmpfiles.d/aptostree-autovar.conf</c>: the tmpfiles lines that recreate <c>/var</c> and the per-machine directories.</item>
    /// <item><c>usr/local</c>: a symlink to <c>../var/usrlocal</c> (per-machine, writable), a directory tree in mmdebstrap.</item>
    /// </list>
    /// </summary>
    public static readonly IReadOnlyList<string> Exceptions =
    [
        "usr/etc", VarTmpfiles.DpkgDatabase, "usr/lib/aptostree", VarTmpfiles.Factory, OstreeLayout.AutovarFile, "usr/local",
    ];

    [SkippableFact]
    public void ComposedUsr_BookwormMinbase_EqualsMmdebstrapFileByFileExceptTheLayoutPaths()
    {
        Skip.If(fixture.SkipReason is not null, fixture.SkipReason);
        if (fixture.Failure is { } failure)
        {
            throw new InvalidOperationException("The minbase compose failed: " + failure, failure);
        }

        ExternalTool.Require("mmdebstrap", "apt-ftparchive", "find");
        Skip.IfNot(Environment.IsPrivilegedProcess, "mmdebstrap --mode=root and a checkout with the packages' owners need root (CI runs as root)");
        string mmdebstrap = MmdebstrapTree();

        var ours = Describe(fixture.Root);
        var theirs = Describe(mmdebstrap);
        var differences = new List<string>();
        foreach (var path in ours.Keys.Union(theirs.Keys).Order(StringComparer.Ordinal))
        {
            if (Exceptions.Any(e => path == e || path.StartsWith(e + "/", StringComparison.Ordinal)))
            {
                continue;
            }

            string a = ours.GetValueOrDefault(path, "absent"), b = theirs.GetValueOrDefault(path, "absent");
            if (a != b)
            {
                differences.Add($"/{path}: composed {a}; mmdebstrap {b}");
            }
        }

        Assert.True(ours.Count > 5000, $"the composed /usr has only {ours.Count} entries");
        Assert.True(differences.Count == 0, $"{differences.Count} differences:\n" + string.Join('\n', differences.Take(80)));
    }

    /// <summary>mmdebstrap of the compose's exact .debs, cached by their list (the compose's lockfile).</summary>
    private string MmdebstrapTree()
    {
        var lockfile = fixture.First.Lockfile;
        string key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(lockfile.Format())))[..16];
        string dir = Path.Combine("/tmp/aptostree-test-cache/mmdebstrap", "v2-" + key);
        string target = Path.Combine(dir, "root");
        if (Directory.Exists(target))
        {
            return target;
        }

        string repo = Path.Combine(dir, "repo");
        if (Directory.Exists(dir))
        {
            ExternalTool.Run("rm", ["-rf", dir]).EnsureSuccess("rm");
        }

        Directory.CreateDirectory(repo);
        foreach (var p in fixture.First.Packages)
        {
            string deb = Path.Combine(fixture.CacheDirectory, "debs", PackageDownloader.ArchiveFileName(p));
            File.Copy(deb, Path.Combine(repo, Path.GetFileName(deb)));
        }

        // The archive's Priority (apt is "required" in the index but "important" in its own control file) decides
        // mmdebstrap's minbase set, so the compose's index values go into an override file.
        File.WriteAllLines(Path.Combine(dir, "override"), fixture.First.Packages.Select(p => $"{p.Name} {p.Priority.ToString().ToLowerInvariant()} misc"));
        File.WriteAllText(Path.Combine(repo, "Packages"), ExternalTool.Run("apt-ftparchive", ["packages", ".", Path.Combine(dir, "override")], workingDirectory: repo).EnsureSuccess("apt-ftparchive packages").StandardOutput);

        // mmdebstrap picks the Essential and required packages of the suite it is given, so the Release file names it.
        File.WriteAllText(Path.Combine(repo, "Release"), ExternalTool.Run("apt-ftparchive", ["-o", "APT::FTPArchive::Release::Suite=bookworm", "-o", "APT::FTPArchive::Release::Codename=bookworm", "release", "."], workingDirectory: repo)
            .EnsureSuccess("apt-ftparchive release").StandardOutput);
        string tmp = target + ".tmp";
        var environment = new Dictionary<string, string> { ["SOURCE_DATE_EPOCH"] = lockfile.SourceDateEpoch.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        ExternalTool.Run("mmdebstrap", ["--variant=minbase", "--mode=root", "--quiet", "bookworm", tmp, $"deb [trusted=yes] copy://{repo} ./"], environment: environment, timeout: TimeSpan.FromMinutes(30))
            .EnsureSuccess("mmdebstrap");
        Directory.Move(tmp, target);
        return target;
    }

    /// <summary>Every path under <c>ROOT/usr</c>: type, mode, owner, and the content's SHA-256 or the link target.</summary>
    private static Dictionary<string, string> Describe(string root)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        string listing = ExternalTool.Run("find", ["usr", "-printf", "%y %#m %U:%G %p\\t%l\\n"], workingDirectory: root).EnsureSuccess("find").StandardOutput;
        foreach (var line in listing.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            int tab = line.IndexOf('\t', StringComparison.Ordinal);
            var f = line[..tab].Split(' ', 4);
            string path = f[3], linkTarget = line[(tab + 1)..];
            result[path] = f[0] switch
            {
                "f" => $"file {f[1]} {f[2]} sha256:{Hash(Path.Combine(root, path))}",
                "l" => $"symlink {f[2]} -> {linkTarget}",
                _ => $"{f[0]} {f[1]} {f[2]}",
            };
        }

        return result;
    }

    private static string Hash(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream))[..16];
    }
}
