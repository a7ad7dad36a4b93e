using System.Security.Cryptography;
using System.Text;
using AptOstree.Compose.Layering;
using AptOstree.OSTree;
using AptOstree.Testing;

namespace AptOstree.Compose.Tests.Layering;

/// <summary>
/// A real base for layering with maintainer scripts: bookworm minbase plus <c>adduser</c>, composed once per test run
/// with <see cref="TreeComposer"/> from the host's bookworm lists copied first (the mirror cannot change under the
/// test) and the compose tests' shared .deb cache, serialised with them by their lock file. <see cref="DeployInto"/>
/// pulls it into a test sysroot with a stand-in kernel (minbase has none) and deploys it with the real ostree.
/// </summary>
public sealed class LayeringComposedBase
{
    private const string TreefileText = """
        ref: debian/12/x86_64/layering-base
        base: debian:12
        variant: minbase
        packages: [adduser]
        """;

    public LayeringComposedBase()
    {
        try
        {
            Compose();
        }
        catch (Exception ex) when (SkipReason is null)
        {
            Failure = ex;
        }
    }

    public string? SkipReason { get; private set; }

    public Exception? Failure { get; private set; }

    public string RepositoryPath { get; private set; } = string.Empty;

    public string ListsDirectory { get; private set; } = string.Empty;

    public Checksum Commit { get; private set; }

    /// <summary>Skips without the tools or lists, fails when the compose failed.</summary>
    public void Require()
    {
        Skip.If(SkipReason is not null, SkipReason);
        if (Failure is not null)
        {
            throw new InvalidOperationException("The layering base compose failed: " + Failure.Message, Failure);
        }
    }

    /// <summary>
    /// Pulls the composed commit (or <paramref name="commit"/> of the repository at <paramref name="repositoryPath"/>)
    /// into <paramref name="sysroot"/>'s repository, adds a stand-in kernel, commits it on the test branch (a new
    /// commit per <paramref name="version"/>) and deploys it.
    /// </summary>
    internal string DeployInto(LayeringSysroot sysroot, string version = "1", bool deploy = true, string? repositoryPath = null, Checksum? commit = null, IReadOnlyDictionary<string, string>? extraFiles = null)
    {
        var source = commit ?? Commit;
        LayeringSysroot.Ostree("pull-local", $"--repo={sysroot.Repo}", repositoryPath ?? RepositoryPath, source.ToString());
        var repo = OstreeRepository.Open(sysroot.Repo);
        var root = MutableTree.FromCommit(repo, source);
        var modules = root.EnsureDirectory("usr/lib/modules/6.1.0-test");
        foreach (var (name, text) in new[] { ("vmlinuz", "kernel"), ("initramfs.img", "initramfs") })
        {
            byte[] bytes = Encoding.UTF8.GetBytes(text);
            using var s = new MemoryStream(bytes);
            modules.SetFile(name, repo.WriteContent(FileHeader.ForFile(0, 0, 0x1A4), s, bytes.Length));
        }

        foreach (var (path, text) in extraFiles ?? new Dictionary<string, string>())
        {
            byte[] bytes = Encoding.UTF8.GetBytes(text);
            using var s = new MemoryStream(bytes);
            root.EnsureDirectory(Path.GetDirectoryName(path)!).SetFile(Path.GetFileName(path), repo.WriteContent(FileHeader.ForFile(0, 0, 0x1A4), s, bytes.Length));
        }

        var composed = repo.ReadCommit(source);
        var metadata = composed.Metadata.Where(kv => kv.Key != "version").Append(new("version", OSTree.GVariant.GVariantValue.FromString(version))).ToList();
        var based = repo.CommitTree(root, new CommitOptions { Branch = LayeringSysroot.Branch, Timestamp = composed.Time, Metadata = metadata, Subject = "layering test base " + version });
        if (deploy)
        {
            sysroot.Deploy(LayeringSysroot.Branch);
        }

        return based.ToString();
    }

    /// <summary>
    /// Composes <paramref name="treefileText"/> with <see cref="TreeComposer"/> into <paramref name="repository"/> from
    /// the bookworm snapshot plus <paramref name="extra"/> (a local repository: its sources and its lists are added),
    /// sharing the compose tests' .deb cache under their lock.
    /// </summary>
    internal async Task<Checksum> ComposeWithAsync(string treefileText, OstreeRepository repository, LayeringAptRepository extra, string listsDirectory, string workDirectory)
    {
        string recorded = OstreeRepository.Open(RepositoryPath).ReadCommit(Commit).GetMetadata(RecordedSources.MetadataKey)?.AsString()
            ?? throw new InvalidOperationException("The layering base records no sources.");
        Directory.CreateDirectory(listsDirectory);
        foreach (var f in Directory.EnumerateFiles(ListsDirectory))
        {
            File.Copy(f, Path.Combine(listsDirectory, Path.GetFileName(f)), overwrite: true);
        }

        await new Deb.Apt.RepositoryClient().UpdateAllAsync(Deb.Apt.SourcesList.ParseDeb822(extra.Deb822, "test repository"), listsDirectory, "amd64");
        var treefile = TreefileLoader.Parse(treefileText, "layering-compose.yaml") with { Sources = [recorded, extra.Deb822] };
        string shared = "/tmp/aptostree-test-cache/compose";
        using var gate = TestCache.Lock(Path.Combine(shared, ".lock"));
        var result = await new TreeComposer(repository).ComposeAsync(treefile, new ComposeOptions { CacheDirectory = Path.Combine(shared, "cache"), ListsDirectory = listsDirectory, WorkDirectory = workDirectory });
        return result.Commit!.Value;
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

        if (!Environment.IsPrivilegedProcess)
        {
            SkipReason = "ostree admin on a bare sysroot repository needs root.";
            return;
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

        string shared = "/tmp/aptostree-test-cache/compose";
        Directory.CreateDirectory(shared);
        using var gate = TestCache.Lock(Path.Combine(shared, ".lock"));
        var key = new StringBuilder(TreefileText);
        foreach (var f in lists)
        {
            key.Append(Path.GetFileName(f)).Append(' ').Append(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(f)))).Append('\n');
        }

        foreach (var t in new[] { typeof(TreeComposer), typeof(Deb.Dpkg.DpkgDatabaseWriter), typeof(OstreeRepository) })
        {
            key.Append(t.Assembly.ManifestModule.ModuleVersionId).Append('\n');
        }

        string dir = Path.Combine("/tmp/aptostree-test-cache/layering", Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key.ToString())))[..16]);
        ListsDirectory = Path.Combine(dir, "lists");
        TestCache.SnapshotLists(lists, ListsDirectory);

        RepositoryPath = Path.Combine(dir, "repo");
        var repo = Directory.Exists(RepositoryPath) ? OstreeRepository.Open(RepositoryPath) : OstreeRepository.Create(RepositoryPath, RepoMode.Bare);
        var options = new ComposeOptions { CacheDirectory = Path.Combine(shared, "cache"), ListsDirectory = ListsDirectory, WorkDirectory = Path.Combine(dir, "work") };
        var result = new TreeComposer(repo).ComposeAsync(TreefileLoader.Parse(TreefileText, "layering-base.yaml"), options).GetAwaiter().GetResult();
        Commit = result.Commit!.Value;
    }
}
