namespace AptOstree.OSTree;

/// <summary>Read-only views of commits: <c>ls</c>, <c>cat</c>, <c>log</c> and <c>diff</c>.</summary>
public sealed class CommitBrowser
{
    private readonly OstreeRepository _repo;

    /// <summary>Creates a browser over <paramref name="repository"/>.</summary>
    public CommitBrowser(OstreeRepository repository) => _repo = repository ?? throw new ArgumentNullException(nameof(repository));

    /// <summary>The entry at <paramref name="path"/> and (for directories, with <paramref name="recursive"/> all levels) its children, in ostree's order.</summary>
    public IEnumerable<TreeEntry> List(Checksum commit, string path = "/", bool recursive = false)
    {
        var c = _repo.Objects.ReadCommit(commit);
        var (entry, tree) = Lookup(c, path, commit);
        yield return entry;
        if (tree is not null)
        {
            foreach (var child in ListChildren(entry.Path, tree, recursive))
            {
                yield return child;
            }
        }
    }

    /// <summary>Opens the content of a regular file inside a commit.</summary>
    public ContentObject OpenFile(Checksum commit, string path)
    {
        var c = _repo.Objects.ReadCommit(commit);
        var (entry, tree) = Lookup(c, path, commit);
        if (tree is not null || entry.IsDirectory)
        {
            throw new AptOstreeException(OstreeErrorCodes.PathNotFound, $"{path} is a directory in commit {commit}.");
        }

        return _repo.Objects.OpenContent(entry.Checksum);
    }

    /// <summary>The commit and its ancestors present in the repository, newest first.</summary>
    /// <exception cref="OstreeObjectException"><paramref name="commit"/> itself is not in the repository (as <c>ostree log</c>,
    /// which fails; missing ancestors only end the history).</exception>
    public IEnumerable<(Checksum Checksum, OstreeCommit Commit)> Log(Checksum commit)
    {
        var first = _repo.Objects.ReadCommit(commit);
        return LogFrom(commit, first);
    }

    private IEnumerable<(Checksum Checksum, OstreeCommit Commit)> LogFrom(Checksum commit, OstreeCommit first)
    {
        yield return (commit, first);
        Checksum? current = first.Parent;
        var seen = new HashSet<Checksum> { commit };
        while (current is Checksum c && seen.Add(c) && _repo.Objects.Contains(c, ObjectType.Commit))
        {
            var obj = _repo.Objects.ReadCommit(c);
            yield return (c, obj);
            current = obj.Parent;
        }
    }

    /// <summary>Differences from <paramref name="from"/> to <paramref name="to"/> (modified and removed first, then added), like <c>ostree diff</c>.</summary>
    public IReadOnlyList<TreeDifference> Diff(Checksum from, Checksum to)
    {
        var a = _repo.Objects.ReadCommit(from);
        var b = _repo.Objects.ReadCommit(to);
        var modified = new List<TreeDifference>();
        var removed = new List<TreeDifference>();
        var added = new List<TreeDifference>();
        DiffTrees(string.Empty, a.RootTree, b.RootTree, modified, removed, added);
        return [.. modified, .. removed, .. added];
    }

    /// <summary>
    /// Compares two trees depth first with an explicit stack of directory frames (a tree's depth is input), producing
    /// the same order as a recursive walk: per directory, its files, then each directory with what is below it.
    /// </summary>
    private void DiffTrees(string prefix, Checksum aTree, Checksum bTree, List<TreeDifference> modified, List<TreeDifference> removed, List<TreeDifference> added)
    {
        if (aTree == bTree)
        {
            return;
        }

        var stack = new Stack<DiffFrame>();
        stack.Push(OpenDiff(prefix, aTree, bTree, modified, removed));
        while (stack.TryPeek(out var frame))
        {
            if (frame.NextDirectory < frame.A.Directories.Count)
            {
                var d = frame.A.Directories[frame.NextDirectory++];
                string p = frame.Prefix + "/" + d.Name;
                if (frame.B.FindDirectory(d.Name) is { } e)
                {
                    if (e.MetaChecksum != d.MetaChecksum)
                    {
                        modified.Add(new(TreeChangeKind.Modified, p));
                    }

                    if (d.TreeChecksum != e.TreeChecksum)
                    {
                        stack.Push(OpenDiff(p, d.TreeChecksum, e.TreeChecksum, modified, removed));
                    }
                }
                else if (frame.B.FindFile(d.Name) is null)
                {
                    removed.Add(new(TreeChangeKind.Removed, p));
                }

                continue;
            }

            stack.Pop();
            var (a, b) = (frame.A, frame.B);
            foreach (var f in b.Files)
            {
                if (a.FindFile(f.Name) is null && a.FindDirectory(f.Name) is null)
                {
                    added.Add(new(TreeChangeKind.Added, frame.Prefix + "/" + f.Name));
                }
            }

            foreach (var d in b.Directories)
            {
                if (a.FindDirectory(d.Name) is null && a.FindFile(d.Name) is null)
                {
                    added.Add(new(TreeChangeKind.Added, frame.Prefix + "/" + d.Name));
                    AddAll(frame.Prefix + "/" + d.Name, d.TreeChecksum, added);
                }
            }
        }
    }

    /// <summary>Reads both trees of a directory present on both sides and records what happened to the files of the first.</summary>
    private DiffFrame OpenDiff(string prefix, Checksum aTree, Checksum bTree, List<TreeDifference> modified, List<TreeDifference> removed)
    {
        var a = _repo.Objects.ReadDirTree(aTree);
        var b = _repo.Objects.ReadDirTree(bTree);
        foreach (var f in a.Files)
        {
            string p = prefix + "/" + f.Name;
            if (b.FindFile(f.Name) is { } g)
            {
                if (g.Checksum != f.Checksum)
                {
                    modified.Add(new(TreeChangeKind.Modified, p));
                }
            }
            else if (b.FindDirectory(f.Name) is not null)
            {
                modified.Add(new(TreeChangeKind.Modified, p));
            }
            else
            {
                removed.Add(new(TreeChangeKind.Removed, p));
            }
        }

        return new DiffFrame(prefix, a, b);
    }

    /// <summary>Everything below an added directory, in pre-order (files, then each directory and its contents).</summary>
    private void AddAll(string prefix, Checksum tree, List<TreeDifference> added)
    {
        var stack = new Stack<(string Prefix, DirTree Tree, int NextDirectory)>();
        stack.Push((prefix, OpenAdded(prefix, tree, added), 0));
        while (stack.TryPop(out var frame))
        {
            if (frame.NextDirectory >= frame.Tree.Directories.Count)
            {
                continue;
            }

            var d = frame.Tree.Directories[frame.NextDirectory];
            stack.Push(frame with { NextDirectory = frame.NextDirectory + 1 });
            string p = frame.Prefix + "/" + d.Name;
            added.Add(new(TreeChangeKind.Added, p));
            stack.Push((p, OpenAdded(p, d.TreeChecksum, added), 0));
        }
    }

    private DirTree OpenAdded(string prefix, Checksum tree, List<TreeDifference> added)
    {
        var t = _repo.Objects.ReadDirTree(tree);
        foreach (var f in t.Files)
        {
            added.Add(new(TreeChangeKind.Added, prefix + "/" + f.Name));
        }

        return t;
    }

    private (TreeEntry Entry, DirTree? Tree) Lookup(OstreeCommit commit, string path, Checksum commitChecksum)
    {
        var parts = (path ?? "/").Split('/', StringSplitOptions.RemoveEmptyEntries);
        Checksum tree = commit.RootTree, meta = commit.RootMeta;
        string current = string.Empty;
        for (int i = 0; i < parts.Length; i++)
        {
            var dirtree = _repo.Objects.ReadDirTree(tree);
            current += "/" + parts[i];
            if (dirtree.FindDirectory(parts[i]) is { } d)
            {
                (tree, meta) = (d.TreeChecksum, d.MetaChecksum);
            }
            else if (i == parts.Length - 1 && dirtree.FindFile(parts[i]) is { } f)
            {
                return (FileEntry(current, f.Checksum), null);
            }
            else
            {
                throw new AptOstreeException(OstreeErrorCodes.PathNotFound, $"No such file or directory: {path} in commit {commitChecksum}.");
            }
        }

        var dm = _repo.Objects.ReadDirMeta(meta);
        string dirPath = current.Length == 0 ? "/" : current;
        return (new TreeEntry(dirPath, dm.Mode, dm.Uid, dm.Gid, 0, tree, meta, string.Empty, dm.Xattrs), _repo.Objects.ReadDirTree(tree));
    }

    private TreeEntry FileEntry(string path, Checksum checksum)
    {
        using var content = _repo.Objects.OpenContent(checksum, headerOnly: true);
        var h = content.Header;
        return new TreeEntry(path, h.Mode, h.Uid, h.Gid, h.IsSymlink ? 0 : content.Size, checksum, null, h.SymlinkTarget, h.Xattrs);
    }

    /// <summary>A directory's entries in ostree's order; with <paramref name="recursive"/>, each subdirectory is followed
    /// by its own entries (pre-order, with an explicit stack: a tree's depth is input).</summary>
    private IEnumerable<TreeEntry> ListChildren(string path, DirTree tree, bool recursive)
    {
        var stack = new Stack<IEnumerator<(TreeEntry Entry, DirTree? Sub)>>();
        stack.Push(Entries(path, tree, recursive).GetEnumerator());
        try
        {
            while (stack.TryPeek(out var entries))
            {
                if (!entries.MoveNext())
                {
                    stack.Pop().Dispose();
                    continue;
                }

                var (entry, sub) = entries.Current;
                yield return entry;
                if (sub is not null)
                {
                    stack.Push(Entries(entry.Path, sub, recursive).GetEnumerator());
                }
            }
        }
        finally
        {
            while (stack.TryPop(out var entries))
            {
                entries.Dispose();
            }
        }
    }

    private List<(TreeEntry Entry, DirTree? Sub)> Entries(string path, DirTree tree, bool recursive)
    {
        string prefix = path == "/" ? string.Empty : path;
        var entries = new List<(TreeEntry Entry, DirTree? Sub)>(tree.Files.Count + tree.Directories.Count);
        foreach (var f in tree.Files)
        {
            entries.Add((FileEntry(prefix + "/" + f.Name, f.Checksum), null));
        }

        foreach (var d in tree.Directories)
        {
            var dm = _repo.Objects.ReadDirMeta(d.MetaChecksum);
            entries.Add((new TreeEntry(prefix + "/" + d.Name, dm.Mode, dm.Uid, dm.Gid, 0, d.TreeChecksum, d.MetaChecksum, string.Empty, dm.Xattrs), recursive ? _repo.Objects.ReadDirTree(d.TreeChecksum) : null));
        }

        return entries;
    }

    private sealed record DiffFrame(string Prefix, DirTree A, DirTree B)
    {
        public int NextDirectory { get; set; }
    }
}
