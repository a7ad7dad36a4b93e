namespace AptOstree.OSTree.Tests;

/// <summary>
/// Commits whose shape is hostile to a naive walk, written object by object: a DAG whose directories share subtrees
/// (few objects, exponentially many paths) and a chain of directories thousands of levels deep.
/// </summary>
internal static class TreeShapes
{
    /// <summary>A root of <paramref name="depth"/> levels, each with directories <c>a</c> and <c>b</c> naming the same child; the bottom holds file <c>f</c>.</summary>
    public static Checksum WriteDag(OstreeRepository repo, int depth, string branch) =>
        Write(repo, branch, depth, (meta, child) => new DirTree([], [new DirTreeDirectory("a", child, meta), new DirTreeDirectory("b", child, meta)]), "f");

    /// <summary>A chain <c>a/a/…/a/leaf</c> of <paramref name="depth"/> directories below the root.</summary>
    public static Checksum WriteChain(OstreeRepository repo, int depth, string branch, string leafName = "leaf") =>
        Write(repo, branch, depth, (meta, child) => new DirTree([], [new DirTreeDirectory("a", child, meta)]), leafName);

    private static Checksum Write(OstreeRepository repo, string branch, int depth, Func<Checksum, Checksum, DirTree> level, string leafName)
    {
        var leaf = repo.WriteContent(FileHeader.ForFile(0, 0, UnixMode.Regular | 0x1A4), new MemoryStream("x\n"u8.ToArray()), 2);
        using var tx = repo.BeginTransaction();
        var meta = tx.WriteMetadata(ObjectType.DirMeta, DirMeta.Default.Serialize());
        var tree = tx.WriteMetadata(ObjectType.DirTree, new DirTree([new DirTreeFile(leafName, leaf)], []).Serialize());
        for (int i = 0; i < depth; i++)
        {
            tree = tx.WriteMetadata(ObjectType.DirTree, level(meta, tree).Serialize());
        }

        var commit = tx.WriteMetadata(ObjectType.Commit, new OstreeCommit([], null, "shape", string.Empty, 1700000000, tree, meta).Serialize());
        tx.Complete();
        repo.Refs.Set(branch, commit);
        return commit;
    }
}
