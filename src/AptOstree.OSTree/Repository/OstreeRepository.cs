using AptOstree.Posix;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AptOstree.OSTree;

/// <summary>
/// An OSTree repository on disk in any of libostree's modes. Open or create one with <see cref="Open"/> /
/// <see cref="Create"/>; objects and refs are reached through the <see cref="Objects"/> and <see cref="Refs"/>
/// facets; <see cref="Commit(string, CommitOptions, ImportOptions?, IProgress{OperationProgress}?, CancellationToken)"/> and <see cref="Checkout(Checksum, string, CheckoutOptions?, IProgress{OperationProgress}?, CancellationToken)"/>
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
        TimeProvider = options.TimeProvider ?? TimeProvider.System;
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

    internal TimeProvider TimeProvider { get; }

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
        var fs = options?.FileSystem ?? LibcPosixFileSystem.Instance;
        if (fs.FileExists(System.IO.Path.Combine(path, "config")) && fs.DirectoryExists(System.IO.Path.Combine(path, "objects")))
        {
            var existing = Open(path, options);
            return existing.Mode == mode
                ? existing
                : throw new AptOstreeException(OstreeErrorCodes.InvalidRepository, $"{path} already is a {existing.Mode.ToConfigString()} repository.");
        }

        fs.CreateDirectories(path, PosixPermissions.All);
        var config = new KeyFile();
        config.Set("core", "repo_version", "1");
        config.Set("core", "mode", mode.ToConfigString());
        if (!string.IsNullOrEmpty(collectionId))
        {
            config.Set("core", "collection-id", collectionId);
        }

        AtomicFile.WriteText(System.IO.Path.Combine(path, "config"), config.ToString(), PosixPermissions.File, durable: options?.Fsync ?? true, fs);
        foreach (var dir in StandardDirectories)
        {
            fs.CreateDirectories(System.IO.Path.Combine(path, dir), PosixPermissions.All);
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
        var fs = options?.FileSystem ?? LibcPosixFileSystem.Instance;
        if (!fs.DirectoryExists(System.IO.Path.Combine(path, "objects")) || !fs.FileExists(configPath))
        {
            throw new InvalidFormatException(OstreeErrorCodes.InvalidRepository, $"{path} is not an OSTree repository (no objects/ or config).", null, path);
        }

        var config = KeyFile.Parse(fs.ReadAllText(configPath), configPath);
        if (config.Get("core", "repo_version") != "1")
        {
            throw new InvalidFormatException(OstreeErrorCodes.InvalidRepository, $"{configPath}: Invalid repository version '{config.Get("core", "repo_version")}'.", null, configPath, "core.repo_version");
        }

        if (config.GetBoolean("core", "archive", false))
        {
            throw new InvalidFormatException(OstreeErrorCodes.InvalidRepository, $"{configPath}: legacy core.archive=true repositories are not supported.", null, configPath, "core.archive");
        }

        fs.CreateDirectories(System.IO.Path.Combine(path, "tmp"), PosixPermissions.All);
        return new OstreeRepository(path, config, options ?? new RepositoryOptions());
    }

    /// <summary>Writes <see cref="Config"/> back to <c>config</c> atomically.</summary>
    public void SaveConfig() => AtomicFile.WriteText(System.IO.Path.Combine(Path, "config"), Config.ToString(), PosixPermissions.File, Fsync, FileSystem);

    /// <summary>Resolves a checksum, a ref, <c>remote:ref</c>, optionally followed by <c>^</c>s for parents.</summary>
    public Checksum ResolveRev(string rev) => Refs.Resolve(rev);

    /// <summary>Reads a commit object.</summary>
    public OstreeCommit ReadCommit(Checksum commit) => Objects.ReadCommit(commit);

    /// <summary>
    /// Commits the directory tree at <paramref name="directory"/> (like <c>ostree commit --tree=dir=DIR</c>): a convenience
    /// over <see cref="PrepareTransaction"/>, <see cref="MutableTreeBuilder.ImportDirectory"/>,
    /// <see cref="OstreeTransaction.WriteCommit"/> and <see cref="OstreeTransaction.Complete"/>. Cancelled, it leaves the
    /// repository as it was: no object, no ref moved.
    /// </summary>
    /// <returns>The new commit's checksum.</returns>
    public Checksum Commit(string directory, CommitOptions options, ImportOptions? importOptions = null, IProgress<OperationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        return CommitImported(options, importOptions, builder => builder.ImportDirectory(directory, progress, cancellationToken), cancellationToken);
    }

    /// <summary>Commits the entries of an uncompressed tar stream without extracting them (like <c>ostree commit --tree=tar=FILE</c>).</summary>
    public Checksum CommitTar(Stream tar, CommitOptions options, ImportOptions? importOptions = null, IProgress<OperationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tar);

        // A type test for the source's name in messages, no file access.
        return CommitImported(options, importOptions, builder => builder.ImportTar(tar, tar is FileStream file ? file.Name : null, progress, cancellationToken), cancellationToken);
    }

    /// <summary>Commits an in-memory tree whose files were written with <see cref="WriteContent"/> or a transaction.</summary>
    public Checksum CommitTree(MutableTree tree, CommitOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tree);
        ArgumentNullException.ThrowIfNull(options);
        using var transaction = PrepareTransaction();
        var commit = transaction.WriteCommit(tree, options, cancellationToken);
        transaction.Complete(cancellationToken);
        return commit;
    }

    /// <summary>
    /// Starts a write transaction (libostree's <c>prepare_transaction</c>): import any number of trees through
    /// <see cref="MutableTreeBuilder"/>s, write commits, set refs, then <see cref="OstreeTransaction.Complete"/>.
    /// </summary>
    public OstreeTransaction PrepareTransaction() => new(this);

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
    public void Checkout(Checksum commit, string destination, CheckoutOptions? options = null, IProgress<OperationProgress>? progress = null, CancellationToken cancellationToken = default) =>
        new CheckoutEngine(this, options ?? new CheckoutOptions(), progress, cancellationToken).CheckoutCommit(commit, destination);

    /// <summary>Checks out a rev (ref or checksum) into <paramref name="destination"/>.</summary>
    public void Checkout(string rev, string destination, CheckoutOptions? options = null, IProgress<OperationProgress>? progress = null, CancellationToken cancellationToken = default) =>
        Checkout(ResolveRev(rev), destination, options, progress, cancellationToken);

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

    /// <summary>Imports into a fresh tree inside one transaction, writes the commit, completes (signs, sets the branch).</summary>
    private Checksum CommitImported(CommitOptions options, ImportOptions? importOptions, Action<MutableTreeBuilder> import, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        cancellationToken.ThrowIfCancellationRequested();
        using var transaction = PrepareTransaction();
        var builder = new MutableTreeBuilder(transaction, importOptions);
        import(builder);
        var commit = transaction.WriteCommit(builder.Tree, options, cancellationToken);
        transaction.Complete(cancellationToken);
        return commit;
    }

    /// <returns>The commit, and whether it was written (false when <see cref="CommitOptions.SkipIfUnchanged"/> returned the parent).</returns>
    internal (Checksum Commit, bool Written) WriteCommit(RepositoryTransaction transaction, MutableTree tree, CommitOptions options, CancellationToken cancellationToken = default)
    {
        var (rootTree, rootMeta) = tree.WriteTo(transaction, cancellationToken);
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
        if (!options.NoBindings)
        {
            // As ostree's commit builtin: the branch and --bind-refs, sorted (an empty list for a commit without a
            // branch), then the repository's collection ID, unless the metadata already holds them.
            var bindings = new SortedSet<string>(options.BindRefs ?? [], StringComparer.Ordinal);
            if (options.Branch is not null)
            {
                bindings.Add(options.Branch);
            }

            if (metadata.All(kv => kv.Key != "ostree.ref-binding"))
            {
                metadata.Add(new("ostree.ref-binding", GVariant.GVariantValue.FromStrings(bindings)));
            }

            if (Config.Get("core", "collection-id") is string collection && metadata.All(kv => kv.Key != "ostree.collection-binding"))
            {
                metadata.Add(new("ostree.collection-binding", GVariant.GVariantValue.FromString(collection)));
            }
        }

        ulong timestamp = options.Timestamp is DateTimeOffset ts
            ? (ulong)ts.ToUnixTimeSeconds()
            : ulong.TryParse(Environment.GetEnvironmentVariable("SOURCE_DATE_EPOCH"), out ulong sde) ? sde : (ulong)TimeProvider.GetUtcNow().ToUnixTimeSeconds();
        var commit = new OstreeCommit(metadata, parent, options.Subject ?? string.Empty, options.Body ?? string.Empty, timestamp, rootTree, rootMeta);
        return (transaction.WriteMetadata(ObjectType.Commit, commit.Serialize()), true);
    }
}
