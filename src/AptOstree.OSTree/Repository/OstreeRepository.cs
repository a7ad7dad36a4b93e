using AptOstree.Posix;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AptOstree.OSTree;

/// <summary>
/// An OSTree repository on disk in any of libostree's modes. Open or create one with <see cref="Open"/> /
/// <see cref="Create"/>; objects and refs are reached through the <see cref="Objects"/> and <see cref="Refs"/>
/// facets; <see cref="Commit(string, CommitOptions)"/> and <see cref="Checkout(Checksum, string, CheckoutOptions?)"/>
/// move trees in and out. Thread-safe for concurrent readers and writers (each write takes the shared repo lock).
/// </summary>
public sealed class OstreeRepository
{
    private static readonly string[] StandardDirectories = ["tmp", "extensions", "state", "refs", "refs/heads", "refs/mirrors", "refs/remotes", "objects"];

    private OstreeRepository(string path, KeyFile config, RepositoryOptions options)
    {
        Path = path;
        Config = config;
        FileSystem = options.FileSystem ?? LibcPosixFileSystem.Instance;
        LoggerFactory = options.LoggerFactory ?? NullLoggerFactory.Instance;
        Logger = LoggerFactory.CreateLogger<OstreeRepository>();
        string modeText = config.Get("core", "mode") ?? "bare";
        if (!RepoModeExtensions.TryParse(modeText, out var mode))
        {
            throw new InvalidFormatException(OstreeErrorCodes.InvalidRepository, $"{path}/config: unknown core.mode '{modeText}'.", null, $"{path}/config", "core.mode");
        }

        Mode = mode;
        Fsync = options.Fsync ?? config.GetBoolean("core", "fsync", true);
        LockTimeout = options.LockTimeout ?? TimeSpan.FromSeconds(int.TryParse(config.Get("core", "lock-timeout-secs"), out int secs) ? secs : 300);
        ZlibLevel = int.TryParse(config.Get("archive", "zlib-level"), out int level) && level is >= 1 and <= 9 ? level : 6;
        DisableXattrs = config.GetBoolean("core", "disable-xattrs", false);
        Objects = new ObjectStore(this);
        Refs = new RefStore(this);
        Remotes = new RemoteStore(this);
    }

    /// <summary>The repository directory.</summary>
    public string Path { get; }

    /// <summary>The storage mode.</summary>
    public RepoMode Mode { get; }

    /// <summary>The parsed <c>config</c> keyfile (a snapshot; use <see cref="SaveConfig"/> after editing).</summary>
    public KeyFile Config { get; }

    /// <summary>Whether writes are made durable (<c>core.fsync</c>).</summary>
    public bool Fsync { get; }

    /// <summary>Objects: read, enumerate, test presence.</summary>
    public ObjectStore Objects { get; }

    /// <summary>Refs under <c>refs/heads</c>, <c>refs/remotes</c> and <c>refs/mirrors</c>.</summary>
    public RefStore Refs { get; }

    /// <summary>Remotes configured in <c>config</c>.</summary>
    public RemoteStore Remotes { get; }

    internal IPosixFileSystem FileSystem { get; }

    internal ILoggerFactory LoggerFactory { get; }

    internal ILogger Logger { get; }

    internal TimeSpan LockTimeout { get; }

    internal int ZlibLevel { get; }

    internal bool DisableXattrs { get; }

    /// <summary>
    /// Creates a repository like <c>ostree init --mode=MODE</c>: every standard directory and a <c>config</c> with
    /// <c>repo_version=1</c>. An existing repository of the same mode is opened instead.
    /// </summary>
    public static OstreeRepository Create(string path, RepoMode mode, RepositoryOptions? options = null, string? collectionId = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (mode == RepoMode.BareSplitXattrs)
        {
            throw new AptOstreeException(OstreeErrorCodes.UnsupportedMode, "bare-split-xattrs repositories are read-only (writing is experimental and broken upstream).");
        }

        path = System.IO.Path.GetFullPath(path);
        if (File.Exists(System.IO.Path.Combine(path, "config")) && Directory.Exists(System.IO.Path.Combine(path, "objects")))
        {
            var existing = Open(path, options);
            return existing.Mode == mode
                ? existing
                : throw new AptOstreeException(OstreeErrorCodes.InvalidRepository, $"{path} already is a {existing.Mode.ToConfigString()} repository.");
        }

        Directory.CreateDirectory(path);
        var config = new KeyFile();
        config.Set("core", "repo_version", "1");
        config.Set("core", "mode", mode.ToConfigString());
        if (!string.IsNullOrEmpty(collectionId))
        {
            config.Set("core", "collection-id", collectionId);
        }

        AtomicFile.WriteText(System.IO.Path.Combine(path, "config"), config.ToString(), 0x1A4, durable: options?.Fsync ?? true, options?.FileSystem);
        foreach (var dir in StandardDirectories)
        {
            Directory.CreateDirectory(System.IO.Path.Combine(path, dir));
        }

        return Open(path, options);
    }

    /// <summary>Opens an existing repository.</summary>
    /// <exception cref="InvalidFormatException">Not a repository, or an unsupported config.</exception>
    public static OstreeRepository Open(string path, RepositoryOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        path = System.IO.Path.GetFullPath(path).TrimEnd('/');
        string configPath = System.IO.Path.Combine(path, "config");
        if (!Directory.Exists(System.IO.Path.Combine(path, "objects")) || !File.Exists(configPath))
        {
            throw new InvalidFormatException(OstreeErrorCodes.InvalidRepository, $"{path} is not an OSTree repository (no objects/ or config).", null, path);
        }

        var config = KeyFile.Parse(File.ReadAllText(configPath), configPath);
        if (config.Get("core", "repo_version") != "1")
        {
            throw new InvalidFormatException(OstreeErrorCodes.InvalidRepository, $"{configPath}: Invalid repository version '{config.Get("core", "repo_version")}'.", null, configPath, "core.repo_version");
        }

        if (config.GetBoolean("core", "archive", false))
        {
            throw new InvalidFormatException(OstreeErrorCodes.InvalidRepository, $"{configPath}: legacy core.archive=true repositories are not supported.", null, configPath, "core.archive");
        }

        Directory.CreateDirectory(System.IO.Path.Combine(path, "tmp"));
        return new OstreeRepository(path, config, options ?? new RepositoryOptions());
    }

    /// <summary>Writes <see cref="Config"/> back to <c>config</c> atomically.</summary>
    public void SaveConfig() => AtomicFile.WriteText(System.IO.Path.Combine(Path, "config"), Config.ToString(), 0x1A4, Fsync, FileSystem);

    /// <summary>Resolves a checksum, a ref, <c>remote:ref</c>, optionally followed by <c>^</c>s for parents.</summary>
    public Checksum ResolveRev(string rev) => Refs.Resolve(rev);

    /// <summary>Reads a commit object.</summary>
    public OstreeCommit ReadCommit(Checksum commit) => Objects.ReadCommit(commit);

    /// <summary>Commits the directory tree at <paramref name="directory"/> (like <c>ostree commit --tree=dir=DIR</c>).</summary>
    /// <returns>The new commit's checksum.</returns>
    public Checksum Commit(string directory, CommitOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return CommitImported(new MutableTree(), options, (transaction, tree) => new DirectoryImporter(this, transaction, options).Import(directory, tree));
    }

    /// <summary>Commits the entries of a tar stream (uncompressed) without extracting them to disk.</summary>
    public Checksum CommitTar(Stream tar, CommitOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return CommitImported(new MutableTree(), options, (transaction, tree) => new TarImporter(this, transaction, options).Import(tar, tree));
    }

    /// <summary>Commits an in-memory tree whose files were written with <see cref="WriteContent"/>.</summary>
    public Checksum CommitTree(MutableTree tree, CommitOptions options)
    {
        ArgumentNullException.ThrowIfNull(tree);
        ArgumentNullException.ThrowIfNull(options);
        return CommitImported(tree, options, import: null);
    }

    /// <summary>Stores one content object (a regular file when <paramref name="content"/> is given, else a symlink).</summary>
    public Checksum WriteContent(FileHeader header, Stream? content, long size)
    {
        ArgumentNullException.ThrowIfNull(header);
        using var transaction = BeginTransaction();
        var checksum = transaction.WriteContent(header, content, size);
        transaction.Complete();
        return checksum;
    }

    /// <summary>Checks a commit out into <paramref name="destination"/> (like <c>ostree checkout</c>).</summary>
    public void Checkout(Checksum commit, string destination, CheckoutOptions? options = null) =>
        new CheckoutEngine(this, options ?? new CheckoutOptions()).CheckoutCommit(commit, destination);

    /// <summary>Checks out a rev (ref or checksum) into <paramref name="destination"/>.</summary>
    public void Checkout(string rev, string destination, CheckoutOptions? options = null) => Checkout(ResolveRev(rev), destination, options);

    /// <summary>Runs fsck: re-hashes every object and checks every ref'd commit for missing objects.</summary>
    public FsckResult Fsck(IProgress<OperationProgress>? progress = null, CancellationToken cancellationToken = default) =>
        new RepositoryChecker(this).Check(progress, cancellationToken);

    /// <summary>Deletes unreachable objects (like <c>ostree prune</c>), under the exclusive lock.</summary>
    public PruneResult Prune(PruneOptions? options = null, CancellationToken cancellationToken = default) =>
        new RepositoryPruner(this).Prune(options, cancellationToken);

    /// <summary>Pulls a rev from another repository on disk (like <c>ostree pull-local</c>).</summary>
    public Task<Checksum> PullLocalAsync(string sourcePath, string rev, PullOptions? options = null, CancellationToken cancellationToken = default) =>
        new RepositoryPuller(this).PullLocalAsync(sourcePath, rev, options, cancellationToken);

    /// <summary>Pulls a ref from a configured remote (like <c>ostree pull REMOTE REF</c>).</summary>
    public Task<Checksum> PullAsync(string remoteName, string refName, PullOptions? options = null, CancellationToken cancellationToken = default) =>
        new RepositoryPuller(this).PullRemoteAsync(remoteName, refName, options, cancellationToken);

    /// <summary>Regenerates <c>summary</c> (like <c>ostree summary -u</c>).</summary>
    public void UpdateSummary() => SummaryWriter.Update(this);

    /// <summary>ls / cat / log / diff over this repository's commits.</summary>
    public CommitBrowser Browse() => new(this);

    internal RepositoryTransaction BeginTransaction() => new(this);

    /// <summary>Fills <paramref name="tree"/> inside one transaction, writes the commit, then sets the branch.</summary>
    private Checksum CommitImported(MutableTree tree, CommitOptions options, Action<RepositoryTransaction, MutableTree>? import)
    {
        using var transaction = BeginTransaction();
        import?.Invoke(transaction, tree);
        var (commit, written) = WriteCommit(transaction, tree, options);
        if (written && options.DetachedMetadata is { Count: > 0 } detached)
        {
            transaction.WriteMetadata(ObjectType.CommitMeta, GVariant.GVariantSerializer.SerializeVarDict(detached), commit);
        }

        transaction.Complete();
        if (written)
        {
            SignCommit(commit, options);
        }

        // The ref is written while the shared lock is still held, so a concurrent prune never sees the
        // commit's objects without the ref that keeps them alive.
        if (options.Branch is not null)
        {
            Refs.Set(options.Branch, commit);
        }

        OstreeLog.Committed(Logger, commit, transaction.ContentObjectsWritten);
        return commit;
    }

    private void SignCommit(Checksum commit, CommitOptions options)
    {
        foreach (var key in options.GpgSigningKeys ?? [])
        {
            GpgCommitSigner.Sign(this, commit, key);
        }

        foreach (var secret in options.Ed25519SecretKeys ?? [])
        {
            Ed25519CommitSigner.Sign(this, commit, secret);
        }
    }

    /// <returns>The commit, and whether it was written (false when <see cref="CommitOptions.SkipIfUnchanged"/> returned the parent).</returns>
    internal (Checksum Commit, bool Written) WriteCommit(RepositoryTransaction transaction, MutableTree tree, CommitOptions options)
    {
        var (rootTree, rootMeta) = tree.WriteTo(transaction);
        Checksum? parent = options.Parent;
        if (parent is null && !options.Orphan && options.Branch is not null)
        {
            parent = Refs.TryResolve(options.Branch);
        }

        if (options.SkipIfUnchanged && parent is Checksum previous
            && Objects.ReadCommit(previous) is { } parentCommit && parentCommit.RootTree == rootTree && parentCommit.RootMeta == rootMeta)
        {
            return (previous, false);
        }

        var metadata = new List<KeyValuePair<string, GVariant.GVariantValue>>(options.Metadata ?? []);
        if (!options.NoBindings && options.Branch is not null && metadata.All(kv => kv.Key != "ostree.ref-binding"))
        {
            var bindings = new SortedSet<string>(StringComparer.Ordinal) { options.Branch };
            foreach (var b in options.BindRefs ?? [])
            {
                bindings.Add(b);
            }

            metadata.Add(new("ostree.ref-binding", GVariant.GVariantValue.FromStrings(bindings)));
            if (Config.Get("core", "collection-id") is string collection)
            {
                metadata.Add(new("ostree.collection-binding", GVariant.GVariantValue.FromString(collection)));
            }
        }

        ulong timestamp = options.Timestamp is DateTimeOffset ts
            ? (ulong)ts.ToUnixTimeSeconds()
            : ulong.TryParse(Environment.GetEnvironmentVariable("SOURCE_DATE_EPOCH"), out ulong sde) ? sde : (ulong)DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var commit = new OstreeCommit(metadata, parent, options.Subject ?? string.Empty, options.Body ?? string.Empty, timestamp, rootTree, rootMeta);
        return (transaction.WriteMetadata(ObjectType.Commit, commit.Serialize()), true);
    }
}
