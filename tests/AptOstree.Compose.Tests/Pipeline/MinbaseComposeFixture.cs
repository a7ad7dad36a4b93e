using System.Security.Cryptography;
using System.Text;
using AptOstree.OSTree;
using AptOstree.Testing;

namespace AptOstree.Compose.Tests.Pipeline;

/// <summary>
/// One bookworm minbase compose per test run, shared by the tests of <see cref="MinbaseComposeCollection"/>: the host's
/// lists are copied into the cache first (so the mirror cannot change under the tests), the repository lives under
/// <c>/tmp/aptostree-test-cache/compose/KEY</c> (or <c>$APTOSTREE_TEST_CACHE/compose/KEY</c>) keyed by the lists and the compose assemblies, and a cross-process
/// lock file serialises test processes. The commit is then deployed as a checkout with <c>/etc</c> and <c>/var</c>
/// set up as at boot (the commit's tmpfiles lines applied), ready for <c>bwrap</c>.
/// </summary>
public sealed class MinbaseComposeFixture : IDisposable
{
    internal const string TreefileText = """
        ref: debian/12/x86_64/minbase
        base: debian:12
        variant: minbase
        """;

    public MinbaseComposeFixture()
    {
        try
        {
            Compose();
        }
        catch (Exception ex)
        {
            Failure = ex;
        }
    }

    /// <summary>Why the compose could not run here (tool or lists missing); null when it ran.</summary>
    public string? SkipReason { get; private set; }

    public string Root { get; private set; } = string.Empty;

    public string RepositoryPath { get; private set; } = string.Empty;

    public string ListsDirectory { get; private set; } = string.Empty;

    public string CacheDirectory { get; private set; } = string.Empty;

    public Treefile Treefile { get; } = TreefileLoader.Parse(TreefileText, "minbase.yaml");

    public ComposeResult First { get; private set; } = null!;

    public ComposeResult Second { get; private set; } = null!;

    public Exception? Failure { get; private set; }

    public void Dispose()
    {
    }

    private void Compose()
    {
        foreach (var tool in new[] { "bwrap", "ostree", "dpkg" })
        {
            if (ExternalTool.Find(tool) is null)
            {
                SkipReason = $"{tool} is not installed";
                return;
            }
        }

        const string hostLists = "/var/lib/apt/lists";
        var lists = Directory.Exists(hostLists)
            ? Directory.EnumerateFiles(hostLists).Where(f => f.Contains("bookworm", StringComparison.Ordinal) && (f.EndsWith("Release", StringComparison.Ordinal) || f.Contains("_Packages", StringComparison.Ordinal))).Order(StringComparer.Ordinal).ToList()
            : [];
        if (lists.Count == 0)
        {
            SkipReason = "the host has no bookworm apt lists (run apt-get update with bookworm sources)";
            return;
        }

        string baseDir = Path.Combine(Environment.GetEnvironmentVariable("APTOSTREE_TEST_CACHE") ?? "/tmp/aptostree-test-cache", "compose");
        Directory.CreateDirectory(baseDir);
        using var gate = TestCache.Lock(Path.Combine(baseDir, ".lock"));
        var key = new StringBuilder();
        foreach (var f in lists)
        {
            key.Append(Path.GetFileName(f)).Append(' ').Append(new FileInfo(f).Length).Append(' ').Append(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(f)))).Append('\n');
        }

        foreach (var t in new[] { typeof(TreeComposer), typeof(Deb.Dpkg.DpkgDatabaseWriter), typeof(OstreeRepository) })
        {
            key.Append(t.Assembly.ManifestModule.ModuleVersionId).Append('\n');
        }

        string dir = Path.Combine(baseDir, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key.ToString())))[..16]);
        ListsDirectory = Path.Combine(dir, "lists");
        TestCache.SnapshotLists(lists, ListsDirectory);

        CacheDirectory = Path.Combine(baseDir, "cache");
        RepositoryPath = Path.Combine(dir, "repo");
        var repo = Directory.Exists(RepositoryPath) ? OstreeRepository.Open(RepositoryPath) : OstreeRepository.Create(RepositoryPath, Environment.IsPrivilegedProcess ? RepoMode.Bare : RepoMode.BareUser);
        var options = new ComposeOptions { CacheDirectory = CacheDirectory, ListsDirectory = ListsDirectory, WorkDirectory = Path.Combine(dir, "work") };
        try
        {
            First = new TreeComposer(repo).ComposeAsync(Treefile, options).GetAwaiter().GetResult();
            Second = new TreeComposer(repo).ComposeAsync(Treefile, options).GetAwaiter().GetResult();
        }
        catch (Exception ex)
        {
            Failure = ex;
            return;
        }

        Root = Path.Combine(dir, "deployed-" + First.Commit!.Value.ToString()[..12]);
        if (!Directory.Exists(Root))
        {
            string tmp = Root + ".tmp";
            if (Directory.Exists(tmp))
            {
                ExternalTool.Run("rm", ["-rf", tmp]);
            }

            ExternalTool.Run("ostree", ["checkout", "--repo=" + RepositoryPath, First.Commit!.Value.ToString(), tmp]).EnsureSuccess("ostree checkout");
            Deploy(tmp);
            Directory.Move(tmp, Root);
        }
    }

    /// <summary>What booting would do: /etc from /usr/etc, then the tree's tmpfiles lines (d, L, C) create /var.</summary>
    private static void Deploy(string root)
    {
        ExternalTool.Run("cp", ["-a", "--reflink=auto", Path.Combine(root, "usr/etc"), Path.Combine(root, "etc.new")]).EnsureSuccess("copy /usr/etc");
        if (Directory.Exists(Path.Combine(root, "etc")))
        {
            Directory.Delete(Path.Combine(root, "etc"));
        }

        Directory.Move(Path.Combine(root, "etc.new"), Path.Combine(root, "etc"));
        foreach (var line in File.ReadAllLines(Path.Combine(root, OstreeLayout.AutovarFile)))
        {
            var f = line.Split(' ', 7, StringSplitOptions.RemoveEmptyEntries);
            if (f.Length < 2 || line.StartsWith('#'))
            {
                continue;
            }

            string path = root + f[1];
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            switch (f[0])
            {
                case "d" when !Directory.Exists(path) && OperatingSystem.IsLinux():
                    Directory.CreateDirectory(path);
                    File.SetUnixFileMode(path, (UnixFileMode)Convert.ToInt32(f[2], 8));
                    break;
                case "L" when f.Length == 7 && !Path.Exists(path):
                    File.CreateSymbolicLink(path, f[6]);
                    break;
                case "C" when f.Length == 7 && !Path.Exists(path):
                    File.Copy(root + f[6], path);
                    break;
            }
        }
    }
}

[CollectionDefinition(nameof(MinbaseComposeCollection))]
public sealed class MinbaseComposeCollection : ICollectionFixture<MinbaseComposeFixture>;
