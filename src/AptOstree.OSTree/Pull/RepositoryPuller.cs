using System.Collections.Concurrent;
using AptOstree.Posix;

namespace AptOstree.OSTree;

/// <summary>
/// Pulls commits into a repository from another repository on disk (<c>pull-local</c>) or from a configured remote
/// (<c>pull</c>: an archive repository over HTTP, or any repository by <c>file://</c>). Every object is
/// checksum-verified on arrival; objects already present are skipped, so an interrupted pull resumes;
/// <c>state/COMMIT.commitpartial</c> marks a commit whose tree is not complete yet. Remote pulls resolve refs from
/// the remote's <c>summary</c> when it has one, enforce commit bindings, and check ed25519 and GPG signatures on the
/// summary and on commits when the remote asks for it (see <c>RemoteVerification</c>); a commit that fails is not
/// written and no ref moves.
/// </summary>
public sealed class RepositoryPuller
{
    private const long MaxMetadataSize = 128L * 1024 * 1024;
    private readonly OstreeRepository _repo;

    /// <summary>Creates a puller writing into <paramref name="repository"/>.</summary>
    public RepositoryPuller(OstreeRepository repository) => _repo = repository ?? throw new ArgumentNullException(nameof(repository));

    /// <summary>A local source repository lives on the same file system as the destination (and logs and reads the clock like it).</summary>
    private RepositoryOptions SourceOptions => new() { FileSystem = _repo.FileSystem, LoggerFactory = _repo.LoggerFactory, TimeProvider = _repo.TimeProvider };

    /// <summary>Pulls <paramref name="rev"/> (ref or checksum) from the repository at <paramref name="sourcePath"/>.</summary>
    public async Task<Checksum> PullLocalAsync(string sourcePath, string rev, PullOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(rev);
        options ??= new PullOptions();
        var source = OstreeRepository.Open(sourcePath, SourceOptions);
        using var objects = new LocalObjectSource(source);
        bool isChecksum = Checksum.TryParse(rev, out var direct);
        Checksum target = isChecksum
            ? direct
            : source.Refs.TryResolve(rev) ?? throw new AptOstreeException(OstreeErrorCodes.RefNotFound, $"Ref '{rev}' not found on {objects.Description}.");
        var verification = await LocalVerificationAsync(objects, options, cancellationToken).ConfigureAwait(false);
        await PullCommitsAsync(objects, target, isChecksum ? null : rev, null, verification, MaxMetadataSize, options, cancellationToken).ConfigureAwait(false);
        if (!isChecksum)
        {
            _repo.Refs.Set(options.Remote is null ? rev : options.Remote + ":" + rev, target);
        }

        return target;
    }

    /// <summary>
    /// Pulls <paramref name="refName"/> (or a checksum) from the configured remote <paramref name="remoteName"/>, and
    /// records it as <c>REMOTE:REF</c>, or with <see cref="PullOptions.Mirror"/> as a local or collection ref.
    /// </summary>
    /// <exception cref="AptOstreeException">Unknown remote or ref, a binding or signature that does not match, a transfer failure.</exception>
    public async Task<Checksum> PullRemoteAsync(string remoteName, string refName, PullOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(refName);
        options ??= new PullOptions();
        using var session = await OpenRemoteAsync(remoteName, options, cancellationToken).ConfigureAwait(false);
        return await PullRemoteRefAsync(session, refName, options, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Mirrors every ref of the remote's summary (<c>pull --mirror REMOTE</c> without refs): pulls each ref of the main
    /// list and of the collection map, writes them as <see cref="PullOptions.Mirror"/> does (collection-map refs under
    /// <c>refs/mirrors/COLLECTION/REF</c>), and copies <c>summary</c> and <c>summary.sig</c>.
    /// </summary>
    /// <returns>The refs pulled: main-list refs by name, collection-map refs as <c>(COLLECTION, REF)</c>.</returns>
    /// <exception cref="AptOstreeException">The remote has no summary, or a pull fails.</exception>
    public async Task<IReadOnlyDictionary<string, Checksum>> MirrorRemoteAsync(string remoteName, PullOptions? options = null, CancellationToken cancellationToken = default)
    {
        options = (options ?? new PullOptions()) with { Mirror = true };
        using var session = await OpenRemoteAsync(remoteName, options, cancellationToken).ConfigureAwait(false);
        if (session.Summary is null || session.SummaryBytes is null)
        {
            throw new AptOstreeException(OstreeErrorCodes.RemoteFailed, $"Fetching all refs was requested in mirror mode, but remote '{remoteName}' ({session.Source.Description}) does not have a summary.");
        }

        var result = new SortedDictionary<string, Checksum>(StringComparer.Ordinal);
        foreach (var name in session.Summary.Refs.Keys.Order(Utf8Ordinal.Instance))
        {
            result[name] = await PullRemoteRefAsync(session, name, options, cancellationToken).ConfigureAwait(false);
        }

        foreach (var (collection, refs) in session.Summary.CollectionMap)
        {
            foreach (var (name, entry) in refs)
            {
                var key = new CollectionRef(collection, name);
                await PullCommitsAsync(session.Source, entry.Commit, name, collection, session.Verification, CommitLimit(entry.Size), options, cancellationToken).ConfigureAwait(false);
                _repo.Refs.SetCollectionRef(key, entry.Commit);
                result[key.ToString()] = entry.Commit;
            }
        }

        AtomicFile.Write(Path.Combine(_repo.Path, "summary"), session.SummaryBytes, PosixPermissions.File, _repo.Fsync, _repo.FileSystem);
        string sigPath = Path.Combine(_repo.Path, Ed25519SummarySigner.SignatureFileName);
        if (session.SignatureBytes is not null)
        {
            AtomicFile.Write(sigPath, session.SignatureBytes, PosixPermissions.File, _repo.Fsync, _repo.FileSystem);
        }
        else
        {
            _repo.FileSystem.DeleteIfExists(sigPath);
        }

        return result;
    }

    /// <summary>A local pull verifies only what it is asked to, with the keys of the remote it names (as ostree pull-local).</summary>
    private async Task<RemoteVerification> LocalVerificationAsync(LocalObjectSource source, PullOptions options, CancellationToken cancellationToken)
    {
        if (!options.GpgVerify && !options.GpgVerifySummary)
        {
            return RemoteVerification.None;
        }

        string remoteName = options.Remote ?? throw new AptOstreeException(OstreeErrorCodes.InvalidOption, "Must specify a remote name (--remote) to enable GPG verification: its trusted keys are used.");
        var remote = _repo.Remotes.Get(remoteName) ?? throw new AptOstreeException(OstreeErrorCodes.RemoteFailed, $"Remote '{remoteName}' is not configured in {_repo.Path}/config.");
        var verification = RemoteVerification.ForGpgOnly(remote, _repo, options.GpgVerify, options.GpgVerifySummary);
        if (options.GpgVerifySummary)
        {
            byte[]? summary = await source.FetchRepositoryFileAsync("summary", cancellationToken).ConfigureAwait(false);
            byte[]? signature = await source.FetchRepositoryFileAsync(Ed25519SummarySigner.SignatureFileName, cancellationToken).ConfigureAwait(false);
            VerifyGpgSummary(remoteName, source, summary, signature, verification);
        }

        return verification;
    }

    private async Task<RemoteSession> OpenRemoteAsync(string remoteName, PullOptions options, CancellationToken cancellationToken)
    {
        var remote = _repo.Remotes.Get(remoteName) ?? throw new AptOstreeException(OstreeErrorCodes.RemoteFailed, $"Remote '{remoteName}' is not configured in {_repo.Path}/config.");
        string? remoteCollection = remote.Options.GetValueOrDefault("collection-id");
        if (remoteCollection is not null && !RefStore.IsValidCollectionId(remoteCollection))
        {
            throw new AptOstreeException(OstreeErrorCodes.RemoteFailed, $"Remote '{remoteName}': invalid collection-id '{remoteCollection}'.");
        }

        var verification = RemoteVerification.For(remote, _repo);
        if (!Uri.TryCreate(remote.Url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https" or "file"))
        {
            throw new AptOstreeException(OstreeErrorCodes.RemoteFailed, $"Remote '{remoteName}' has an unsupported URL '{remote.Url}'.");
        }

        IObjectSource source = uri.IsFile
            ? new LocalObjectSource(OstreeRepository.Open(uri.LocalPath, SourceOptions))
            : new HttpObjectSource(uri, options.HttpClient, _repo.Logger);
        try
        {
            byte[]? summaryBytes = await source.FetchRepositoryFileAsync("summary", cancellationToken).ConfigureAwait(false);
            byte[]? signatureBytes = await source.FetchRepositoryFileAsync(Ed25519SummarySigner.SignatureFileName, cancellationToken).ConfigureAwait(false);
            if (verification.VerifySummary)
            {
                VerifySummary(remoteName, source, summaryBytes, signatureBytes, verification);
            }

            if (verification.GpgVerifySummary)
            {
                VerifyGpgSummary(remoteName, source, summaryBytes, signatureBytes, verification);
            }

            var summary = summaryBytes is null ? null : RepositorySummary.Parse(summaryBytes, source.Description + "/summary");
            return new RemoteSession(remoteName, source, remoteCollection, verification, summary, summaryBytes, signatureBytes);
        }
        catch
        {
            source.Dispose();
            throw;
        }
    }

    private static void VerifySummary(string remoteName, IObjectSource source, byte[]? summary, byte[]? signature, RemoteVerification verification)
    {
        if (summary is null)
        {
            throw new AptOstreeException(OstreeErrorCodes.SignatureInvalid, $"Remote '{remoteName}' requires a signed summary (sign-verify-summary=true), but {source.Description} has no summary.");
        }

        if (signature is null)
        {
            throw new AptOstreeException(OstreeErrorCodes.SignatureInvalid, $"Remote '{remoteName}' requires a signed summary (sign-verify-summary=true), but {source.Description} has no summary.sig.");
        }

        bool valid;
        try
        {
            valid = Ed25519SummarySigner.Verify(summary, signature, verification.PublicKeys);
        }
        catch (InvalidFormatException ex)
        {
            throw new AptOstreeException(OstreeErrorCodes.SignatureInvalid, $"Remote '{remoteName}': summary.sig from {source.Description} is malformed: {ex.Message}", ex);
        }

        if (!valid)
        {
            throw new AptOstreeException(OstreeErrorCodes.SignatureInvalid, $"Remote '{remoteName}': no valid ed25519 signature on the summary from {source.Description} (summary or summary.sig tampered with, or signed with another key).");
        }
    }

    private static void VerifyGpgSummary(string remoteName, IObjectSource source, byte[]? summary, byte[]? signature, RemoteVerification verification)
    {
        if (summary is null || signature is null)
        {
            throw new AptOstreeException(OstreeErrorCodes.SignatureInvalid, $"Remote '{remoteName}' requires a GPG-signed summary (gpg-verify-summary=true), but {source.Description} has no {(summary is null ? "summary" : "summary.sig")}.");
        }

        try
        {
            GpgSummarySigner.Verify(summary, signature, verification.GpgKeyring);
        }
        catch (AptOstreeException ex)
        {
            throw new AptOstreeException(OstreeErrorCodes.SignatureInvalid, $"Remote '{remoteName}': the summary from {source.Description}: {ex.Message} ({verification.DescribeGpgKeys()})", ex);
        }
    }

    private async Task<Checksum> PullRemoteRefAsync(RemoteSession session, string refName, PullOptions options, CancellationToken cancellationToken)
    {
        bool isChecksum = Checksum.TryParse(refName, out var direct);
        Checksum target;
        long commitLimit = MaxMetadataSize;
        if (isChecksum)
        {
            target = direct;
        }
        else if (session.Summary is not null)
        {
            // Like libostree, a remote with a summary is resolved through it (a stale summary gives its commit).
            var entry = session.Summary.Find(session.RemoteCollection, refName)
                ?? session.Summary.Find(null, refName)
                ?? throw new AptOstreeException(OstreeErrorCodes.RefNotFound, session.RemoteCollection is null
                    ? $"No such branch '{refName}' in the summary of remote '{session.Name}'."
                    : $"No such branch ({session.RemoteCollection}, {refName}) in the summary of remote '{session.Name}'.");
            target = entry.Commit;
            commitLimit = CommitLimit(entry.Size);
        }
        else
        {
            target = await session.Source.ResolveRefAsync(refName, cancellationToken).ConfigureAwait(false)
                ?? throw new AptOstreeException(OstreeErrorCodes.RefNotFound, $"Ref '{refName}' not found on {session.Source.Description}.");
        }

        // The collection the ref belongs to: the remote's configured one, else (mirroring) the summary's.
        string? collection = session.RemoteCollection ?? (options.Mirror ? session.Summary?.CollectionId : null);
        await PullCommitsAsync(session.Source, target, isChecksum ? null : refName, collection, session.Verification, commitLimit, options, cancellationToken).ConfigureAwait(false);
        if (!isChecksum)
        {
            if (!options.Mirror)
            {
                _repo.Refs.Set(session.Name + ":" + refName, target);
            }
            else if (collection is null)
            {
                _repo.Refs.Set(refName, target);
            }
            else
            {
                _repo.Refs.SetCollectionRef(new CollectionRef(collection, refName), target);
            }
        }

        return target;
    }

    private static long CommitLimit(ulong summarySize) => summarySize > 0 ? (long)Math.Min(summarySize, (ulong)MaxMetadataSize) : MaxMetadataSize;

    private async Task PullCommitsAsync(IObjectSource source, Checksum target, string? refName, string? collectionId, RemoteVerification verification, long commitLimit, PullOptions options, CancellationToken cancellationToken)
    {
        int fetched = 0;
        using (var transaction = _repo.BeginTransaction())
        {
            Checksum? current = target;
            for (int depth = 0; current is Checksum c && (options.Depth < 0 || depth <= options.Depth); depth++)
            {
                byte[]? bytes = transaction.Has(c, ObjectType.Commit)
                    ? _repo.Objects.ReadMetadataBytes(c, ObjectType.Commit)
                    : await source.FetchMetadataAsync(c, ObjectType.Commit, depth == 0 ? commitLimit : MaxMetadataSize, cancellationToken).ConfigureAwait(false);
                if (bytes is null)
                {
                    if (depth == 0)
                    {
                        throw new OstreeObjectException(OstreeErrorCodes.ObjectNotFound, ObjectStore.Name(c, ObjectType.Commit), "not found on " + source.Description);
                    }

                    break;
                }

                var commit = OstreeCommit.Parse(bytes, ObjectStore.Name(c, ObjectType.Commit));
                if (depth == 0 && refName is not null)
                {
                    VerifyBindings(c, commit, refName, collectionId);
                }

                byte[]? detached = await source.FetchMetadataAsync(c, ObjectType.CommitMeta, MaxMetadataSize, cancellationToken).ConfigureAwait(false);
                if (verification.VerifyCommits)
                {
                    VerifyCommitSignature(c, bytes, detached, verification, source);
                }

                if (verification.GpgVerifyCommits)
                {
                    VerifyGpgCommitSignature(c, bytes, detached, verification, source);
                }

                string partial = Path.Combine(_repo.Path, "state", c + ".commitpartial");
                WritePartialMarker(partial);
                transaction.WriteMetadata(ObjectType.Commit, bytes, c);
                if (detached is not null)
                {
                    transaction.WriteMetadata(ObjectType.CommitMeta, detached, c);
                }

                var files = new ConcurrentDictionary<Checksum, byte>();
                fetched += await PullTreeAsync(source, transaction, commit.RootTree, commit.RootMeta, files, options.MaxConcurrency, cancellationToken).ConfigureAwait(false);
                await Parallel.ForEachAsync(
                    files.Keys,
                    new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.MaxConcurrency), CancellationToken = cancellationToken },
                    async (file, ct) =>
                    {
                        await source.FetchContentAsync(file, transaction, ct).ConfigureAwait(false);
                        int n = Interlocked.Increment(ref fetched);
                        options.Progress?.Report(new OperationProgress("pull", n, null, ProgressUnit.Objects, file.ToString()));
                    }).ConfigureAwait(false);
                transaction.Complete();
                _repo.FileSystem.DeleteIfExists(partial);
                current = commit.Parent;
            }
        }

        OstreeLog.Pulled(_repo.Logger, target, fetched);
    }

    /// <summary>Marks a commit as partially pulled (<c>state/COMMIT.commitpartial</c>, empty) until its objects are all in.</summary>
    private void WritePartialMarker(string partial)
    {
        var fs = _repo.FileSystem;
        fs.CreateDirectories(Path.GetDirectoryName(partial)!, PosixPermissions.All);
        if (!fs.Exists(partial))
        {
            fs.CreateFile(partial, PosixPermissions.File).Dispose();
        }
    }

    /// <summary>libostree's binding rules: a ref binding must list the ref; with a known collection, the commit must be bound to it.</summary>
    private static void VerifyBindings(Checksum checksum, OstreeCommit commit, string refName, string? collectionId)
    {
        if (commit.GetMetadata("ostree.ref-binding")?.AsStrings() is { } bindings && !bindings.Contains(refName))
        {
            throw new AptOstreeException(OstreeErrorCodes.RemoteFailed, $"Commit {checksum} is bound to refs [{string.Join(", ", bindings)}], not '{refName}'.");
        }

        if (collectionId is null)
        {
            return;
        }

        string? bound = commit.GetMetadata("ostree.collection-binding")?.AsString();
        if (bound is null)
        {
            throw new AptOstreeException(OstreeErrorCodes.RemoteFailed, $"Expected commit {checksum} to be bound to collection '{collectionId}', but it has no collection binding.");
        }

        if (bound != collectionId)
        {
            throw new AptOstreeException(OstreeErrorCodes.RemoteFailed, $"Commit {checksum} is bound to collection '{bound}', not '{collectionId}'.");
        }
    }

    private static void VerifyCommitSignature(Checksum checksum, byte[] commit, byte[]? detached, RemoteVerification verification, IObjectSource source)
    {
        var signatures = detached is null ? [] : SignatureContainer.Read(SignatureContainer.Parse(detached, ObjectStore.Name(checksum, ObjectType.CommitMeta)), Ed25519Signatures.MetadataKey);
        if (signatures.Count == 0)
        {
            throw new AptOstreeException(OstreeErrorCodes.SignatureInvalid, $"Commit {checksum} from {source.Description} has no ed25519 signature, and the remote requires one (sign-verify).");
        }

        if (!Ed25519Signatures.VerifyAny(commit, signatures, verification.PublicKeys))
        {
            throw new AptOstreeException(OstreeErrorCodes.SignatureInvalid, $"No valid ed25519 signature on commit {checksum} from {source.Description} for the remote's keys.");
        }
    }

    private static void VerifyGpgCommitSignature(Checksum checksum, byte[] commit, byte[]? detached, RemoteVerification verification, IObjectSource source)
    {
        try
        {
            var metadata = detached is null ? null : SignatureContainer.Parse(detached, ObjectStore.Name(checksum, ObjectType.CommitMeta));
            GpgSignatures.VerifyCommit(checksum, commit, metadata, verification.GpgKeyring, source.Description);
        }
        catch (InvalidFormatException ex)
        {
            throw new AptOstreeException(OstreeErrorCodes.SignatureInvalid, $"Commit {checksum} from {source.Description}: its detached metadata is malformed: {ex.Message}", ex);
        }
        catch (AptOstreeException ex) when (ex.ErrorCode == OstreeErrorCodes.SignatureInvalid)
        {
            throw new AptOstreeException(OstreeErrorCodes.SignatureInvalid, $"{ex.Message} ({verification.DescribeGpgKeys()})", ex);
        }
    }

    /// <summary>
    /// Fetches the dirtrees and dirmetas under a root and collects the content objects still missing. Each dirtree
    /// is scanned once however many directories share it (a DAG of N objects costs N fetches, not one per path), and
    /// the walk keeps its own stack, so a tree's depth never reaches the thread's stack.
    /// </summary>
    /// <summary>
    /// Fetches the dirtrees and dirmetas under <paramref name="rootTree"/> breadth first, each level's missing objects
    /// concurrently (one round trip per depth rather than per directory, as libostree keeps several requests in
    /// flight), and collects the file objects the transaction lacks into <paramref name="files"/>.
    /// </summary>
    private async Task<int> PullTreeAsync(IObjectSource source, RepositoryTransaction transaction, Checksum rootTree, Checksum rootMeta, ConcurrentDictionary<Checksum, byte> files, int maxConcurrency, CancellationToken cancellationToken)
    {
        int fetched = 0;
        var scannedTrees = new HashSet<Checksum>();
        var scannedMetas = new HashSet<Checksum>();
        var level = new List<(Checksum Tree, Checksum Meta)> { (rootTree, rootMeta) };
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, maxConcurrency), CancellationToken = cancellationToken };
        while (level.Count > 0)
        {
            var metas = level.Select(l => l.Meta).Where(m => scannedMetas.Add(m) && !transaction.Has(m, ObjectType.DirMeta)).ToList();
            var trees = level.Select(l => l.Tree).Where(scannedTrees.Add).ToList();
            var local = trees.Select(t => transaction.Has(t, ObjectType.DirTree) && _repo.Objects.Contains(t, ObjectType.DirTree)).ToArray();
            var metaBytes = new byte[metas.Count][];
            var treeBytes = new byte[trees.Count][];
            await Parallel.ForEachAsync(Enumerable.Range(0, metas.Count + trees.Count), parallel, async (i, ct) =>
            {
                if (i < metas.Count)
                {
                    metaBytes[i] = await source.FetchMetadataAsync(metas[i], ObjectType.DirMeta, MaxMetadataSize, ct).ConfigureAwait(false)
                        ?? throw new OstreeObjectException(OstreeErrorCodes.ObjectNotFound, ObjectStore.Name(metas[i], ObjectType.DirMeta), "not found on " + source.Description);
                }
                else if (!local[i - metas.Count])
                {
                    var tree = trees[i - metas.Count];
                    treeBytes[i - metas.Count] = await source.FetchMetadataAsync(tree, ObjectType.DirTree, MaxMetadataSize, ct).ConfigureAwait(false)
                        ?? throw new OstreeObjectException(OstreeErrorCodes.ObjectNotFound, ObjectStore.Name(tree, ObjectType.DirTree), "not found on " + source.Description);
                }
            }).ConfigureAwait(false);

            for (int i = 0; i < metas.Count; i++)
            {
                DirMeta.Parse(metaBytes[i], ObjectStore.Name(metas[i], ObjectType.DirMeta));
                transaction.WriteMetadata(ObjectType.DirMeta, metaBytes[i], metas[i]);
                fetched++;
            }

            var next = new List<(Checksum Tree, Checksum Meta)>();
            for (int i = 0; i < trees.Count; i++)
            {
                var tree = trees[i];
                byte[] bytes = local[i] ? _repo.Objects.ReadMetadataBytes(tree, ObjectType.DirTree) : treeBytes[i];
                fetched += local[i] ? 0 : 1;
                var dirtree = DirTree.Parse(bytes, ObjectStore.Name(tree, ObjectType.DirTree));
                transaction.WriteMetadata(ObjectType.DirTree, bytes, tree);
                foreach (var f in dirtree.Files)
                {
                    if (!transaction.Has(f.Checksum, ObjectType.File))
                    {
                        files.TryAdd(f.Checksum, 0);
                    }
                }

                next.AddRange(dirtree.Directories.Select(d => (d.TreeChecksum, d.MetaChecksum)));
            }

            level = next;
        }

        return fetched;
    }

    /// <summary>A remote opened for one pull: its source, policy and (verified) summary.</summary>
    private sealed record RemoteSession(string Name, IObjectSource Source, string? RemoteCollection, RemoteVerification Verification, RepositorySummary? Summary, byte[]? SummaryBytes, byte[]? SignatureBytes) : IDisposable
    {
        public void Dispose() => Source.Dispose();
    }
}
