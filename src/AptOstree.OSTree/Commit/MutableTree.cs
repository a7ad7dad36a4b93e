namespace AptOstree.OSTree;

/// <summary>
/// An in-memory directory tree to be committed (libostree's <c>OstreeMutableTree</c>): file names map to content
/// checksums, directory names to subtrees, each directory carries its <see cref="DirMeta"/>. As in libostree, a file
/// replaces a file of the same name, but a file never silently replaces a directory nor the reverse
/// (<see cref="ReplaceFile"/>, <see cref="GetOrCreateDirectory"/> throw). Three ways to combine trees:
/// importing into it (<see cref="MutableTreeBuilder"/>, libostree's rules), <see cref="Overlay"/> (overlayfs rules:
/// the upper side wins, whiteouts delete) and <see cref="Merge"/> (conflicts reported to the caller). Not
/// thread-safe; walks are iterative, so depth is bounded only by memory.
/// </summary>
public sealed class MutableTree
{
    /// <summary>The aufs/overlayfs whiteout prefix: a file <c>.wh.NAME</c> in an upper layer deletes <c>NAME</c>.</summary>
    public const string WhiteoutPrefix = ".wh.";

    /// <summary>The aufs marker of an opaque directory (a file named so in a directory of an upper layer).</summary>
    public const string OpaqueWhiteout = ".wh..wh..opq";

    private readonly SortedDictionary<string, Checksum> _files = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, MutableTree> _dirs = new(StringComparer.Ordinal);
    private SortedSet<string>? _whiteouts;
    private DirMeta _meta = DirMeta.Default;

    /// <summary>
    /// This directory's owner, mode and xattrs; <see cref="DirMeta.Default"/> (root, 0755) for a directory created only
    /// as the parent of something, which <see cref="Overlay"/> and <see cref="Merge"/> then do not apply over another's.
    /// </summary>
    public DirMeta Meta
    {
        get => _meta;
        set
        {
            _meta = value ?? throw new ArgumentNullException(nameof(value));
            HasOwnMeta = true;
        }
    }

    /// <summary>True once <see cref="Meta"/> was set (by an import, a load or the caller), false for an implied parent.</summary>
    internal bool HasOwnMeta { get; private set; }

    /// <summary>Files by name (regular files and symlinks: content object checksums).</summary>
    public IReadOnlyDictionary<string, Checksum> Files => _files;

    /// <summary>Subdirectories by name.</summary>
    public IReadOnlyDictionary<string, MutableTree> Directories => _dirs;

    /// <summary>
    /// Names this directory deletes from a lower tree when it is overlaid on one (<see cref="Overlay"/>); an import with
    /// <see cref="ImportOptions.OverlayWhiteouts"/> records them. They are not written into the repository.
    /// </summary>
    public IReadOnlyCollection<string> Whiteouts => (IReadOnlyCollection<string>?)_whiteouts ?? [];

    /// <summary>
    /// When true, this directory hides everything below the same path in a lower tree when overlaid
    /// (overlayfs' <c>trusted.overlay.opaque=y</c>). Not written into the repository.
    /// </summary>
    public bool Opaque { get; set; }

    /// <summary>True when the directory holds no files, subdirectories or whiteouts.</summary>
    public bool IsEmpty => _files.Count == 0 && _dirs.Count == 0 && (_whiteouts?.Count ?? 0) == 0;

    /// <summary>Loads the tree of a commit (all directories, eagerly) so it can be modified and recommitted.</summary>
    public static MutableTree FromCommit(OstreeRepository repository, Checksum commit)
    {
        ArgumentNullException.ThrowIfNull(repository);
        var c = repository.Objects.ReadCommit(commit);
        return FromDirTree(repository, c.RootTree, c.RootMeta);
    }

    /// <summary>Loads a dirtree/dirmeta pair and everything below it.</summary>
    public static MutableTree FromDirTree(OstreeRepository repository, Checksum tree, Checksum meta)
    {
        ArgumentNullException.ThrowIfNull(repository);
        var root = new MutableTree();
        var pending = new Stack<(MutableTree Target, Checksum Tree, Checksum Meta)>();
        pending.Push((root, tree, meta));
        while (pending.TryPop(out var item))
        {
            item.Target.Meta = repository.Objects.ReadDirMeta(item.Meta);
            var dirtree = repository.Objects.ReadDirTree(item.Tree);
            foreach (var f in dirtree.Files)
            {
                item.Target._files[f.Name] = f.Checksum;
            }

            foreach (var d in dirtree.Directories)
            {
                var sub = new MutableTree();
                item.Target._dirs[d.Name] = sub;
                pending.Push((sub, d.TreeChecksum, d.MetaChecksum));
            }
        }

        return root;
    }

    /// <summary>
    /// Adds or replaces the file <paramref name="name"/> (libostree's <c>ostree_mutable_tree_replace_file</c>).
    /// </summary>
    /// <exception cref="AptOstreeException">A directory of that name exists ("Can't replace directory with file").</exception>
    public void ReplaceFile(string name, Checksum content)
    {
        DirTree.ValidateName(name, "mutable tree");
        if (_dirs.ContainsKey(name))
        {
            throw new AptOstreeException(OstreeErrorCodes.TreeConflict, $"Can't replace directory with file: {name}");
        }

        _whiteouts?.Remove(name);
        _files[name] = content;
    }

    /// <summary>
    /// The subdirectory <paramref name="name"/>, created if missing (libostree's <c>ostree_mutable_tree_ensure_dir</c>).
    /// </summary>
    /// <exception cref="AptOstreeException">A file of that name exists ("Can't replace file with directory").</exception>
    public MutableTree GetOrCreateDirectory(string name)
    {
        if (_dirs.TryGetValue(name, out var dir))
        {
            return dir;
        }

        DirTree.ValidateName(name, "mutable tree");
        if (_files.ContainsKey(name))
        {
            throw new AptOstreeException(OstreeErrorCodes.TreeConflict, $"Can't replace file with directory: {name}");
        }

        _whiteouts?.Remove(name);
        dir = new MutableTree();
        _dirs[name] = dir;
        return dir;
    }

    /// <summary>Walks (creating) the directories of a relative path such as <c>usr/lib</c>.</summary>
    /// <exception cref="AptOstreeException">A component is a file.</exception>
    public MutableTree EnsureDirectory(string relativePath)
    {
        ArgumentNullException.ThrowIfNull(relativePath);
        var current = this;
        foreach (var part in relativePath.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (part != ".")
            {
                current = current.GetOrCreateDirectory(part);
            }
        }

        return current;
    }

    /// <summary>Records that <paramref name="name"/> is deleted from a lower tree this one is overlaid on; removes it here.</summary>
    public void AddWhiteout(string name)
    {
        DirTree.ValidateName(name, "mutable tree");
        Remove(name);
        (_whiteouts ??= new(StringComparer.Ordinal)).Add(name);
    }

    /// <summary>Removes a file or directory; true if something was removed.</summary>
    public bool Remove(string name) => _files.Remove(name) | _dirs.Remove(name);

    /// <summary>Looks up the file at a relative path.</summary>
    public Checksum? FindFile(string relativePath)
    {
        ArgumentNullException.ThrowIfNull(relativePath);
        var parts = relativePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var parent = parts.Length == 0 ? null : Walk(parts[..^1]);
        return parent is not null && parent._files.TryGetValue(parts[^1], out var c) ? c : null;
    }

    /// <summary>Looks up the directory at a relative path (the empty path is this one).</summary>
    public MutableTree? FindDirectory(string relativePath)
    {
        ArgumentNullException.ThrowIfNull(relativePath);
        return Walk(relativePath.Split('/', StringSplitOptions.RemoveEmptyEntries));
    }

    /// <summary>
    /// Lays <paramref name="upper"/> over this tree as overlayfs shows an upper layer over a lower one: names only in
    /// one side are kept, for a name in both the upper side wins (a file over a directory replaces it, a directory
    /// over a directory is merged and takes the upper metadata), a whiteout deletes the name, an opaque directory
    /// replaces the lower directory's content. The result has no whiteouts. <paramref name="upper"/> is not changed;
    /// its subtrees are copied.
    /// </summary>
    public void Overlay(MutableTree upper)
    {
        ArgumentNullException.ThrowIfNull(upper);
        var pending = new Stack<(MutableTree Lower, MutableTree Upper)>();
        pending.Push((this, upper));
        while (pending.TryPop(out var pair))
        {
            var (lower, top) = pair;
            if (top.Opaque)
            {
                lower._files.Clear();
                lower._dirs.Clear();
            }

            if (top.HasOwnMeta || top.Opaque)
            {
                lower.Meta = top.Meta;
            }

            lower._whiteouts = null;
            lower.Opaque = false;
            foreach (var name in top.Whiteouts)
            {
                lower.Remove(name);
            }

            foreach (var (name, file) in top._files)
            {
                lower._dirs.Remove(name);
                lower._files[name] = file;
            }

            foreach (var (name, dir) in top._dirs)
            {
                if (!lower._dirs.TryGetValue(name, out var target))
                {
                    lower._files.Remove(name);
                    target = new MutableTree();
                    lower._dirs[name] = target;
                }

                pending.Push((target, dir));
            }
        }
    }

    /// <summary>
    /// Merges <paramref name="other"/> into this tree, reporting every path both trees claim differently instead of
    /// replacing silently: a file both ship with different content, a file on one side and a directory on the other,
    /// a directory both have with different metadata. Identical files are no conflict. <paramref name="resolve"/>
    /// decides each conflict (dpkg's rules are the caller's); without it the existing side is kept. A
    /// <see cref="TreeConflictResolution.Fail"/> throws, naming the path, and leaves this tree partly merged.
    /// </summary>
    /// <returns>Every conflict met, in path order, whatever its resolution.</returns>
    public IReadOnlyList<TreeConflict> Merge(MutableTree other, Func<TreeConflict, TreeConflictResolution>? resolve = null)
    {
        ArgumentNullException.ThrowIfNull(other);
        var conflicts = new List<TreeConflict>();
        var pending = new Stack<(MutableTree Target, MutableTree Source, string Path)>();
        pending.Push((this, other, "/"));
        while (pending.TryPop(out var item))
        {
            var (target, source, path) = item;
            foreach (var (name, file) in source._files)
            {
                var childPath = Child(path, name);
                if (target._files.TryGetValue(name, out var existing))
                {
                    if (existing != file && Decide(new TreeConflict(childPath, TreeConflictKind.File, existing, file)) == TreeConflictResolution.TakeIncoming)
                    {
                        target._files[name] = file;
                    }
                }
                else if (target._dirs.ContainsKey(name))
                {
                    if (Decide(new TreeConflict(childPath, TreeConflictKind.DirectoryAndFile, null, file)) == TreeConflictResolution.TakeIncoming)
                    {
                        target._dirs.Remove(name);
                        target._files[name] = file;
                    }
                }
                else
                {
                    target._files[name] = file;
                }
            }

            foreach (var (name, dir) in source._dirs)
            {
                var childPath = Child(path, name);
                if (target._dirs.TryGetValue(name, out var existing))
                {
                    if (!dir.HasOwnMeta)
                    {
                        // An implied parent says nothing about the directory's metadata.
                    }
                    else if (!existing.HasOwnMeta)
                    {
                        existing.Meta = dir.Meta;
                    }
                    else if (!SameMeta(existing.Meta, dir.Meta)
                        && Decide(new TreeConflict(childPath, TreeConflictKind.DirectoryMetadata, null, null)) == TreeConflictResolution.TakeIncoming)
                    {
                        existing.Meta = dir.Meta;
                    }

                    pending.Push((existing, dir, childPath));
                }
                else if (target._files.TryGetValue(name, out var file))
                {
                    if (Decide(new TreeConflict(childPath, TreeConflictKind.FileAndDirectory, file, null)) == TreeConflictResolution.TakeIncoming)
                    {
                        target._files.Remove(name);
                        var copy = dir.HasOwnMeta ? new MutableTree { Meta = dir.Meta } : new MutableTree();
                        target._dirs[name] = copy;
                        pending.Push((copy, dir, childPath));
                    }
                }
                else
                {
                    var copy = dir.HasOwnMeta ? new MutableTree { Meta = dir.Meta } : new MutableTree();
                    target._dirs[name] = copy;
                    pending.Push((copy, dir, childPath));
                }
            }
        }

        conflicts.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        return conflicts;

        TreeConflictResolution Decide(TreeConflict conflict)
        {
            conflicts.Add(conflict);
            var decision = resolve?.Invoke(conflict) ?? TreeConflictResolution.KeepExisting;
            return decision == TreeConflictResolution.Fail
                ? throw new AptOstreeException(OstreeErrorCodes.TreeConflict, $"Trees conflict at {conflict.Path}: {conflict.Describe()}.")
                : decision;
        }
    }

    /// <summary>Writes every dirtree and dirmeta into <paramref name="repository"/>; returns the root pair.</summary>
    public (Checksum Tree, Checksum Meta) Write(OstreeRepository repository)
    {
        ArgumentNullException.ThrowIfNull(repository);
        using var transaction = repository.PrepareTransaction();
        var result = transaction.WriteTree(this);
        transaction.Complete();
        return result;
    }

    /// <summary>Writes the dirtrees and dirmetas bottom-up (children before their parent), without recursion.</summary>
    internal (Checksum Tree, Checksum Meta) WriteTo(RepositoryTransaction transaction, CancellationToken cancellationToken = default)
    {
        var written = new Dictionary<MutableTree, (Checksum Tree, Checksum Meta)>(ReferenceEqualityComparer.Instance);
        var pending = new Stack<(MutableTree Tree, bool ChildrenDone)>();
        pending.Push((this, false));
        while (pending.TryPop(out var item))
        {
            var tree = item.Tree;
            if (!item.ChildrenDone)
            {
                pending.Push((tree, true));
                foreach (var sub in tree._dirs.Values)
                {
                    pending.Push((sub, false));
                }

                continue;
            }

            cancellationToken.ThrowIfCancellationRequested();
            var dirs = new List<DirTreeDirectory>(tree._dirs.Count);
            foreach (var (name, sub) in tree._dirs)
            {
                var (subTree, subMeta) = written[sub];
                dirs.Add(new DirTreeDirectory(name, subTree, subMeta));
            }

            var dirtree = DirTree.Create(tree._files.Select(kv => new DirTreeFile(kv.Key, kv.Value)), dirs);
            var treeChecksum = transaction.WriteMetadata(ObjectType.DirTree, dirtree.Serialize());
            var metaChecksum = transaction.WriteMetadata(ObjectType.DirMeta, tree.Meta.Serialize());
            written[tree] = (treeChecksum, metaChecksum);
        }

        return written[this];
    }

    private static string Child(string path, string name) => path == "/" ? "/" + name : path + "/" + name;

    private static bool SameMeta(DirMeta a, DirMeta b) =>
        a.Uid == b.Uid && a.Gid == b.Gid && a.Mode == b.Mode && a.Xattrs.Count == b.Xattrs.Count
        && a.Xattrs.Zip(b.Xattrs).All(p => p.First.Name == p.Second.Name && p.First.Value.AsSpan().SequenceEqual(p.Second.Value));

    private MutableTree? Walk(IEnumerable<string> parts)
    {
        var current = this;
        foreach (var part in parts)
        {
            if (part == ".")
            {
                continue;
            }

            if (!current._dirs.TryGetValue(part, out var next))
            {
                return null;
            }

            current = next;
        }

        return current;
    }
}
