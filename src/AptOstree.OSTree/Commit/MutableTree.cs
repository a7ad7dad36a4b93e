namespace AptOstree.OSTree;

/// <summary>
/// An in-memory directory tree to be committed: file names map to content checksums, directory names to
/// subtrees, each directory carries its <see cref="DirMeta"/>. Later additions replace earlier ones (a file
/// replaces a directory of the same name and vice versa), as <c>ostree commit --tree=…</c> layering does.
/// </summary>
public sealed class MutableTree
{
    private readonly Dictionary<string, Checksum> _files = new(StringComparer.Ordinal);
    private readonly Dictionary<string, MutableTree> _dirs = new(StringComparer.Ordinal);

    /// <summary>This directory's owner, mode and xattrs.</summary>
    public DirMeta Meta { get; set; } = DirMeta.Default;

    /// <summary>Files by name.</summary>
    public IReadOnlyDictionary<string, Checksum> Files => _files;

    /// <summary>Subdirectories by name.</summary>
    public IReadOnlyDictionary<string, MutableTree> Directories => _dirs;

    /// <summary>Loads the tree of a commit (all directories, eagerly) so it can be modified and recommitted.</summary>
    public static MutableTree FromCommit(OstreeRepository repository, Checksum commit)
    {
        ArgumentNullException.ThrowIfNull(repository);
        var c = repository.Objects.ReadCommit(commit);
        return FromDirTree(repository, c.RootTree, c.RootMeta);
    }

    /// <summary>Loads a dirtree/dirmeta pair recursively.</summary>
    public static MutableTree FromDirTree(OstreeRepository repository, Checksum tree, Checksum meta)
    {
        ArgumentNullException.ThrowIfNull(repository);
        var result = new MutableTree { Meta = repository.Objects.ReadDirMeta(meta) };
        var dirtree = repository.Objects.ReadDirTree(tree);
        foreach (var f in dirtree.Files)
        {
            result._files[f.Name] = f.Checksum;
        }

        foreach (var d in dirtree.Directories)
        {
            result._dirs[d.Name] = FromDirTree(repository, d.TreeChecksum, d.MetaChecksum);
        }

        return result;
    }

    /// <summary>Adds or replaces a file.</summary>
    public void SetFile(string name, Checksum content)
    {
        DirTree.ValidateName(name, "mutable tree");
        _dirs.Remove(name);
        _files[name] = content;
    }

    /// <summary>The subdirectory <paramref name="name"/>, created (replacing a file of that name) if missing.</summary>
    public MutableTree GetOrCreateDirectory(string name)
    {
        DirTree.ValidateName(name, "mutable tree");
        if (!_dirs.TryGetValue(name, out var dir))
        {
            _files.Remove(name);
            dir = new MutableTree();
            _dirs[name] = dir;
        }

        return dir;
    }

    /// <summary>Walks (creating) the directories of a relative path such as <c>usr/lib</c>.</summary>
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

    /// <summary>Removes a file or directory; true if something was removed.</summary>
    public bool Remove(string name) => _files.Remove(name) | _dirs.Remove(name);

    /// <summary>Looks up the file at a relative path.</summary>
    public Checksum? FindFile(string relativePath)
    {
        ArgumentNullException.ThrowIfNull(relativePath);
        var parts = relativePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var current = this;
        for (int i = 0; i < parts.Length - 1; i++)
        {
            if (!current._dirs.TryGetValue(parts[i], out current!))
            {
                return null;
            }
        }

        return parts.Length > 0 && current._files.TryGetValue(parts[^1], out var c) ? c : null;
    }

    /// <summary>Writes every dirtree and dirmeta into <paramref name="repository"/>; returns the root pair.</summary>
    public (Checksum Tree, Checksum Meta) Write(OstreeRepository repository)
    {
        ArgumentNullException.ThrowIfNull(repository);
        using var transaction = repository.BeginTransaction();
        var result = WriteTo(transaction);
        transaction.Complete();
        return result;
    }

    internal (Checksum Tree, Checksum Meta) WriteTo(RepositoryTransaction transaction)
    {
        var dirs = new List<DirTreeDirectory>(_dirs.Count);
        foreach (var (name, sub) in _dirs)
        {
            var (tree, meta) = sub.WriteTo(transaction);
            dirs.Add(new DirTreeDirectory(name, tree, meta));
        }

        var dirtree = DirTree.Create(_files.Select(kv => new DirTreeFile(kv.Key, kv.Value)), dirs);
        var treeChecksum = transaction.WriteMetadata(ObjectType.DirTree, dirtree.Serialize());
        var metaChecksum = transaction.WriteMetadata(ObjectType.DirMeta, Meta.Serialize());
        return (treeChecksum, metaChecksum);
    }
}
