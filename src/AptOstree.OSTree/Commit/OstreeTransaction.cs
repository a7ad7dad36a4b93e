namespace AptOstree.OSTree;

/// <summary>
/// A write transaction on a repository (libostree's <c>prepare_transaction</c> … <c>commit_transaction</c>): content
/// objects, trees and commits are staged privately and become visible together at <see cref="Complete"/>, which then
/// signs the commits written and moves the refs set; disposing without completing discards everything (nothing moved).
/// Hold one across many imports: a compose imports every package into its own <see cref="MutableTree"/> through
/// <see cref="MutableTreeBuilder"/>s on the same transaction, then writes one commit. Writing objects is thread-safe;
/// a <see cref="MutableTree"/> is not. Holds the repository's shared lock until disposed.
/// </summary>
public sealed class OstreeTransaction : IDisposable
{
    private readonly RepositoryTransaction _inner;
    private readonly List<(Checksum Commit, CommitOptions Options)> _toSign = [];
    private readonly List<(string Ref, Checksum? Commit)> _refs = [];
    private readonly Lock _gate = new();
    private bool _completed;
    private bool _disposed;

    internal OstreeTransaction(OstreeRepository repository)
    {
        Repository = repository;
        _inner = repository.BeginTransaction();
    }

    /// <summary>The repository written to.</summary>
    public OstreeRepository Repository { get; }

    /// <summary>Content objects written so far that the repository did not have.</summary>
    public int ContentObjectsWritten => _inner.ContentObjectsWritten;

    internal RepositoryTransaction Inner => _inner;

    /// <summary>Stores one content object (a regular file when <paramref name="content"/> is given, else a symlink).</summary>
    /// <returns>The object's checksum, to put into a <see cref="MutableTree"/>.</returns>
    public Checksum WriteContent(FileHeader header, Stream? content, long size)
    {
        ArgumentNullException.ThrowIfNull(header);
        ThrowIfDone();
        return _inner.WriteContent(header, content, size);
    }

    /// <summary>Writes every dirtree and dirmeta of <paramref name="tree"/> (libostree's <c>write_mtree</c>); returns the root pair.</summary>
    public (Checksum Tree, Checksum Meta) WriteTree(MutableTree tree, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tree);
        ThrowIfDone();
        return tree.WriteTo(_inner, cancellationToken);
    }

    /// <summary>
    /// Writes <paramref name="tree"/> and a commit object for it (libostree's <c>write_commit</c>) with the subject,
    /// body, timestamp, parent, metadata and ref bindings of <paramref name="options"/>, and its detached metadata.
    /// The commit is signed with the options' keys and <see cref="CommitOptions.Branch"/> moves to it at
    /// <see cref="Complete"/>, so a ref never names an unsigned commit. With <see cref="CommitOptions.SkipIfUnchanged"/>
    /// and a tree equal to the parent's, nothing is written and the parent is returned.
    /// </summary>
    public Checksum WriteCommit(MutableTree tree, CommitOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tree);
        ArgumentNullException.ThrowIfNull(options);
        ThrowIfDone();
        var (commit, written) = Repository.WriteCommit(_inner, tree, options, cancellationToken);
        if (written && options.DetachedMetadata is { Count: > 0 } detached)
        {
            _inner.WriteMetadata(ObjectType.CommitMeta, GVariant.GVariantSerializer.SerializeVarDict(detached), commit);
        }

        lock (_gate)
        {
            if (written)
            {
                _toSign.Add((commit, options));
            }

            if (options.Branch is not null)
            {
                _refs.Add((options.Branch, commit));
            }
        }

        return commit;
    }

    /// <summary>Sets (or, with null, deletes) a ref at <see cref="Complete"/> (libostree's <c>transaction_set_ref</c>).</summary>
    public void SetRef(string refName, Checksum? commit)
    {
        ArgumentException.ThrowIfNullOrEmpty(refName);
        ThrowIfDone();
        lock (_gate)
        {
            _refs.Add((refName, commit));
        }
    }

    /// <summary>
    /// Moves every staged object into the repository (durably when fsync is on), signs the commits written, then sets
    /// the refs — in that order, under the repository lock, so a concurrent prune never sees a commit without its ref.
    /// </summary>
    public void Complete(CancellationToken cancellationToken = default)
    {
        ThrowIfDone();
        cancellationToken.ThrowIfCancellationRequested();
        _inner.Complete();
        _completed = true;
        foreach (var (commit, options) in _toSign)
        {
            foreach (var key in options.GpgSigningKeys ?? [])
            {
                GpgCommitSigner.Sign(Repository, commit, key);
            }

            foreach (var secret in options.Ed25519SecretKeys ?? [])
            {
                Ed25519CommitSigner.Sign(Repository, commit, secret);
            }
        }

        foreach (var (name, commit) in _refs)
        {
            Repository.Refs.Set(name, commit);
        }

        foreach (var (commit, _) in _toSign)
        {
            OstreeLog.Committed(Repository.Logger, commit, _inner.ContentObjectsWritten);
        }
    }

    /// <summary>Ends the transaction; without <see cref="Complete"/>, every staged object is removed and no ref moves.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _inner.Dispose();
    }

    private void ThrowIfDone()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_completed)
        {
            throw new InvalidOperationException("The transaction is already complete.");
        }
    }
}
