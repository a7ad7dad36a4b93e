namespace AptOstree.OSTree;

/// <summary>
/// Fills one <see cref="MutableTree"/> from directories, tar streams, tar entries (a .deb's data entries, for a
/// package without touching the disk) and existing commits, in any number and order, writing content objects through
/// an <see cref="OstreeTransaction"/> — libostree's <c>write_directory_to_mtree</c> and <c>write_archive_to_mtree</c>.
/// Every import applies the same <see cref="ImportOptions"/>. A later import merges into the tree as libostree
/// layers <c>ostree commit --tree=…</c> arguments: directories merge (the later metadata wins), a file replaces a file,
/// and a file meeting a directory, or the reverse, fails with <see cref="OstreeErrorCodes.TreeConflict"/>
/// ("Can't replace directory with file"). Write the result with <see cref="OstreeTransaction.WriteCommit"/>.
/// </summary>
public sealed class MutableTreeBuilder
{
    private readonly ImportModifier _modifier;

    /// <summary>Creates a builder that imports into <paramref name="tree"/> (a new empty tree when null).</summary>
    public MutableTreeBuilder(OstreeTransaction transaction, ImportOptions? options = null, MutableTree? tree = null)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        Transaction = transaction;
        Options = options ?? ImportOptions.Default;
        Tree = tree ?? new MutableTree();
        _modifier = new ImportModifier(transaction.Repository, Options);
    }

    /// <summary>The transaction content objects are written through.</summary>
    public OstreeTransaction Transaction { get; }

    /// <summary>The import modifier every import applies.</summary>
    public ImportOptions Options { get; }

    /// <summary>The tree being filled.</summary>
    public MutableTree Tree { get; }

    /// <summary>
    /// Imports the directory tree at <paramref name="directory"/> (like <c>ostree commit --tree=dir=DIR</c>). Progress
    /// counts file content bytes against the tree's total (measured first, only when <paramref name="progress"/> is given).
    /// </summary>
    public MutableTreeBuilder ImportDirectory(string directory, IProgress<OperationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var tracker = new ImportProgress(progress, null, cancellationToken);
        new DirectoryImporter(Transaction.Repository, Transaction.Inner, _modifier, tracker).Import(directory, Tree);
        tracker.Finish();
        return this;
    }

    /// <summary>
    /// Imports an uncompressed tar stream (like <c>ostree commit --tree=tar=FILE</c>) without extracting it. Progress
    /// counts file content bytes, against the stream's length when it is seekable.
    /// </summary>
    /// <param name="tar">The tar bytes.</param>
    /// <param name="sourceName">The file name, for messages.</param>
    /// <param name="progress">Progress reports, or null.</param>
    /// <param name="cancellationToken">Checked between entries and while content is read.</param>
    public MutableTreeBuilder ImportTar(Stream tar, string? sourceName = null, IProgress<OperationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tar);
        using var reader = new TarArchiveReader(tar, leaveOpen: true, sourceName);
        return ImportEntries(reader.EnumerateEntries(), sourceName, progress, tar.CanSeek ? tar.Length - tar.Position : null, cancellationToken);
    }

    /// <summary>
    /// Imports tar entries as they stream by (for example <c>DebPackage.EnumerateDataEntries()</c>: a package becomes a
    /// tree without touching the disk). Each regular file's content is read while the entry is current.
    /// </summary>
    /// <param name="entries">The entries, in archive order.</param>
    /// <param name="sourceName">Where they come from, for messages.</param>
    /// <param name="progress">Progress reports (file content bytes), or null.</param>
    /// <param name="cancellationToken">Checked between entries and while content is read.</param>
    public MutableTreeBuilder ImportEntries(IEnumerable<TarArchiveEntry> entries, string? sourceName = null, IProgress<OperationProgress>? progress = null, CancellationToken cancellationToken = default) =>
        ImportEntries(entries, sourceName, progress, null, cancellationToken);

    /// <summary>
    /// Imports the tree of an existing commit (like <c>ostree commit --tree=ref=REV</c>). Its objects are reused as they
    /// are unless the import options change them (filter, owner, canonical permissions, xattrs), which rewrites just the
    /// files whose metadata changes.
    /// </summary>
    public MutableTreeBuilder ImportCommit(Checksum commit, IProgress<OperationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var tracker = new ImportProgress(progress, null, cancellationToken);
        var source = MutableTree.FromCommit(Transaction.Repository, commit);
        if (!Options.IsIdentity || Transaction.Repository.Mode == RepoMode.BareUserOnly)
        {
            source = new CommitTreeRewriter(Transaction.Repository, Transaction.Inner, _modifier, tracker).Rewrite(source);
        }

        Layer(Tree, source, cancellationToken);
        tracker.Finish();
        return this;
    }

    /// <summary>Merges <paramref name="source"/> into <paramref name="target"/> with libostree's layering rules.</summary>
    internal static void Layer(MutableTree target, MutableTree source, CancellationToken cancellationToken = default)
    {
        var pending = new Stack<(MutableTree Target, MutableTree Source)>();
        pending.Push((target, source));
        while (pending.TryPop(out var pair))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (pair.Source.HasOwnMeta)
            {
                pair.Target.Meta = pair.Source.Meta;
            }

            foreach (var (name, file) in pair.Source.Files)
            {
                pair.Target.ReplaceFile(name, file);
            }

            foreach (var (name, dir) in pair.Source.Directories)
            {
                pending.Push((pair.Target.GetOrCreateDirectory(name), dir));
            }
        }
    }

    private MutableTreeBuilder ImportEntries(IEnumerable<TarArchiveEntry> entries, string? sourceName, IProgress<OperationProgress>? progress, long? total, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var tracker = new ImportProgress(progress, total, cancellationToken);
        new TarImporter(Transaction.Inner, _modifier, tracker, sourceName).Import(entries, Tree);
        tracker.Finish();
        return this;
    }
}
