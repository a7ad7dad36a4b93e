using System.Collections.Concurrent;
using AptOstree.OSTree.Logging;

namespace AptOstree.OSTree;

/// <summary>
/// Pulls commits into a repository from another repository on disk (<c>pull-local</c>) or from an archive repository
/// over HTTP (<c>pull</c>). Every object is checksum-verified on arrival; objects already present are skipped, so an
/// interrupted pull resumes; <c>state/COMMIT.commitpartial</c> marks a commit whose tree is not complete yet.
/// </summary>
public sealed class RepositoryPuller
{
    private readonly OstreeRepository _repo;

    /// <summary>Creates a puller writing into <paramref name="repository"/>.</summary>
    public RepositoryPuller(OstreeRepository repository) => _repo = repository ?? throw new ArgumentNullException(nameof(repository));

    /// <summary>Pulls <paramref name="rev"/> (ref or checksum) from the repository at <paramref name="sourcePath"/>.</summary>
    public async Task<Checksum> PullLocalAsync(string sourcePath, string rev, PullOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(rev);
        options ??= new PullOptions();
        var source = OstreeRepository.Open(sourcePath);
        using var objects = new LocalObjectSource(source);
        var commit = await PullAsync(objects, rev, options, cancellationToken).ConfigureAwait(false);
        if (!Checksum.TryParse(rev, out _))
        {
            _repo.Refs.Set(options.Remote is null ? rev : options.Remote + ":" + rev, commit);
        }

        return commit;
    }

    /// <summary>Pulls <paramref name="refName"/> from the configured remote <paramref name="remoteName"/> (http(s) or file URL).</summary>
    public async Task<Checksum> PullRemoteAsync(string remoteName, string refName, PullOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new PullOptions();
        var remote = _repo.Remotes.Get(remoteName) ?? throw new AptOstreeException(OSTreeErrorCodes.RemoteFailed, $"Remote '{remoteName}' is not configured in {_repo.Path}/config.");
        var uri = new Uri(remote.Url);
        using IObjectSource objects = uri.IsFile
            ? new LocalObjectSource(OstreeRepository.Open(uri.LocalPath))
            : new HttpObjectSource(uri, options.HttpClient, _repo.Logger);
        var commit = await PullAsync(objects, refName, options, cancellationToken).ConfigureAwait(false);
        if (!Checksum.TryParse(refName, out _))
        {
            _repo.Refs.Set(remoteName + ":" + refName, commit);
        }

        return commit;
    }

    private async Task<Checksum> PullAsync(IObjectSource source, string rev, PullOptions options, CancellationToken cancellationToken)
    {
        Checksum target = Checksum.TryParse(rev, out var direct)
            ? direct
            : await source.ResolveRefAsync(rev, cancellationToken).ConfigureAwait(false)
                ?? throw new AptOstreeException(OSTreeErrorCodes.RefNotFound, $"Ref '{rev}' not found on {source.Description}.");
        int fetched = 0;
        using (var transaction = _repo.BeginTransaction())
        {
            Checksum? current = target;
            for (int depth = 0; current is Checksum c && (options.Depth < 0 || depth <= options.Depth); depth++)
            {
                byte[]? bytes = transaction.Has(c, ObjectType.Commit)
                    ? _repo.Objects.ReadMetadataBytes(c, ObjectType.Commit)
                    : await source.FetchMetadataAsync(c, ObjectType.Commit, cancellationToken).ConfigureAwait(false);
                if (bytes is null)
                {
                    if (depth == 0)
                    {
                        throw new OstreeObjectException(OSTreeErrorCodes.ObjectNotFound, ObjectStore.Name(c, ObjectType.Commit), "not found on " + source.Description);
                    }

                    break;
                }

                var commit = OstreeCommit.Parse(bytes, ObjectStore.Name(c, ObjectType.Commit));
                if (depth == 0 && !Checksum.TryParse(rev, out _) && commit.GetMetadata("ostree.ref-binding")?.AsStrings() is { } bindings && !bindings.Contains(rev))
                {
                    throw new AptOstreeException(OSTreeErrorCodes.RemoteFailed, $"Commit {c} is bound to refs [{string.Join(", ", bindings)}], not '{rev}'.");
                }

                string partial = Path.Combine(_repo.Path, "state", c + ".commitpartial");
                Directory.CreateDirectory(Path.GetDirectoryName(partial)!);
                await File.WriteAllBytesAsync(partial, [], cancellationToken).ConfigureAwait(false);
                transaction.WriteMetadata(ObjectType.Commit, bytes, c);
                if (await source.FetchMetadataAsync(c, ObjectType.CommitMeta, cancellationToken).ConfigureAwait(false) is { } detached)
                {
                    transaction.WriteMetadata(ObjectType.CommitMeta, detached, c);
                }

                var files = new ConcurrentDictionary<Checksum, byte>();
                fetched += await PullTreeAsync(source, transaction, commit.RootTree, commit.RootMeta, files, cancellationToken).ConfigureAwait(false);
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
                File.Delete(partial);
                current = commit.Parent;
            }
        }

        OSTreeLog.Pulled(_repo.Logger, target, fetched);
        return target;
    }

    private async Task<int> PullTreeAsync(IObjectSource source, RepositoryTransaction transaction, Checksum tree, Checksum meta, ConcurrentDictionary<Checksum, byte> files, CancellationToken cancellationToken)
    {
        int fetched = 0;
        if (!transaction.Has(meta, ObjectType.DirMeta))
        {
            var bytes = await source.FetchMetadataAsync(meta, ObjectType.DirMeta, cancellationToken).ConfigureAwait(false)
                ?? throw new OstreeObjectException(OSTreeErrorCodes.ObjectNotFound, ObjectStore.Name(meta, ObjectType.DirMeta), "not found on " + source.Description);
            DirMeta.Parse(bytes, ObjectStore.Name(meta, ObjectType.DirMeta));
            transaction.WriteMetadata(ObjectType.DirMeta, bytes, meta);
            fetched++;
        }

        byte[] treeBytes;
        if (transaction.Has(tree, ObjectType.DirTree) && _repo.Objects.Contains(tree, ObjectType.DirTree))
        {
            treeBytes = _repo.Objects.ReadMetadataBytes(tree, ObjectType.DirTree);
        }
        else
        {
            treeBytes = await source.FetchMetadataAsync(tree, ObjectType.DirTree, cancellationToken).ConfigureAwait(false)
                ?? throw new OstreeObjectException(OSTreeErrorCodes.ObjectNotFound, ObjectStore.Name(tree, ObjectType.DirTree), "not found on " + source.Description);
            fetched++;
        }

        var dirtree = DirTree.Parse(treeBytes, ObjectStore.Name(tree, ObjectType.DirTree));
        transaction.WriteMetadata(ObjectType.DirTree, treeBytes, tree);
        foreach (var f in dirtree.Files)
        {
            if (!transaction.Has(f.Checksum, ObjectType.File))
            {
                files.TryAdd(f.Checksum, 0);
            }
        }

        foreach (var d in dirtree.Directories)
        {
            fetched += await PullTreeAsync(source, transaction, d.TreeChecksum, d.MetaChecksum, files, cancellationToken).ConfigureAwait(false);
        }

        return fetched;
    }
}
