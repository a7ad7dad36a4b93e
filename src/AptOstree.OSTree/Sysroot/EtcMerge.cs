using AptOstree.Posix;

namespace AptOstree.OSTree.Sysroot;

/// <summary>
/// The /etc three-way merge of <c>ostree admin deploy</c>: the local changes of the old deployment (its
/// <c>usr/etc</c> defaults vs its <c>etc</c>) are applied to the new deployment's <c>etc</c>. User removals win,
/// user modifications and additions win wholesale, directory metadata changes are not carried over when the new
/// defaults still have the directory, and a modified file that newly defaults to a directory is an error.
/// </summary>
public static class EtcMerge
{
    /// <summary>Merges local changes into <paramref name="newEtc"/>.</summary>
    /// <param name="fileSystem">The file layer.</param>
    /// <param name="oldDefaults">The old deployment's <c>usr/etc</c>.</param>
    /// <param name="oldEtc">The old deployment's <c>etc</c> (with local changes).</param>
    /// <param name="newEtc">The new deployment's <c>etc</c>, already a copy of its <c>usr/etc</c>.</param>
    /// <exception cref="AptOstreeException">A modified config file newly defaults to a directory (<see cref="DeploymentErrorCodes.EtcMergeConflict"/>).</exception>
    public static EtcMergeResult Merge(IPosixFileSystem fileSystem, string oldDefaults, string oldEtc, string newEtc)
    {
        ArgumentNullException.ThrowIfNull(fileSystem);
        var modified = new List<string>();
        var removed = new List<string>();
        var added = new List<string>();
        Diff(fileSystem, oldDefaults, oldEtc, string.Empty, modified, removed, added);

        var tree = new FileTree(fileSystem);
        var ignored = new List<string>();
        foreach (var path in removed)
        {
            tree.DeleteRecursive($"{newEtc}/{path}");
        }

        foreach (var path in modified.Concat(added))
        {
            CopyModified(tree, oldEtc, newEtc, path, ignored);
        }

        return new EtcMergeResult(modified, removed, added, ignored);
    }

    /// <summary>
    /// Walks both trees depth first with an explicit stack (their depth comes from the commit and the user), in the
    /// order of a recursive walk: per directory, its entries by name, each directory followed by what is below it.
    /// </summary>
    private static void Diff(IPosixFileSystem fs, string a, string b, string rel, List<string> modified, List<string> removed, List<string> added)
    {
        var stack = new Stack<(string Rel, List<string> Names, HashSet<string> NamesB, int Next)>();
        stack.Push(OpenDiff(fs, a, b, rel));
        while (stack.TryPop(out var frame))
        {
            if (frame.Next == frame.Names.Count)
            {
                var setA = new HashSet<string>(frame.Names, StringComparer.Ordinal);
                foreach (var name in frame.NamesB.Where(n => !setA.Contains(n)).Order(StringComparer.Ordinal))
                {
                    AddAll(fs, b, frame.Rel.Length == 0 ? name : $"{frame.Rel}/{name}", added);
                }

                continue;
            }

            string nameA = frame.Names[frame.Next];
            stack.Push(frame with { Next = frame.Next + 1 });
            string childRel = frame.Rel.Length == 0 ? nameA : $"{frame.Rel}/{nameA}";
            if (!frame.NamesB.Contains(nameA))
            {
                removed.Add(childRel);
                continue;
            }

            var stA = fs.GetStatus(Join(a, childRel));
            var stB = fs.GetStatus(Join(b, childRel));
            if (KindOf(stA) != KindOf(stB))
            {
                modified.Add(childRel);
                continue;
            }

            if (!SameContent(fs, Join(a, childRel), stA, Join(b, childRel), stB))
            {
                modified.Add(childRel);
            }

            if (stA.IsDirectory)
            {
                stack.Push(OpenDiff(fs, a, b, childRel));
            }
        }
    }

    private static (string Rel, List<string> Names, HashSet<string> NamesB, int Next) OpenDiff(IPosixFileSystem fs, string a, string b, string rel) =>
        (rel, fs.ListDirectory(Join(a, rel)).Order(StringComparer.Ordinal).ToList(), new HashSet<string>(fs.ListDirectory(Join(b, rel)), StringComparer.Ordinal), 0);

    /// <summary>An added entry and, for a directory, everything below it in pre-order by name.</summary>
    private static void AddAll(IPosixFileSystem fs, string root, string rel, List<string> added)
    {
        var stack = new Stack<string>();
        stack.Push(rel);
        while (stack.TryPop(out var current))
        {
            added.Add(current);
            if (fs.GetStatus(Join(root, current)).IsDirectory)
            {
                foreach (var name in fs.ListDirectory(Join(root, current)).Order(StringComparer.Ordinal).Reverse())
                {
                    stack.Push($"{current}/{name}");
                }
            }
        }
    }

    // GLib's file type classes: regular, directory, symlink, and "special" for everything else.
    private static int KindOf(PosixFileStatus st) => st.FileType switch
    {
        PosixFileType.RegularFile => 1,
        PosixFileType.Directory => 2,
        PosixFileType.SymbolicLink => 3,
        _ => 4,
    };

    // Equivalent to comparing ostree content checksums with xattrs ignored: uid, gid, mode, then target or bytes.
    private static bool SameContent(IPosixFileSystem fs, string pathA, PosixFileStatus a, string pathB, PosixFileStatus b)
    {
        if (a.Uid != b.Uid || a.Gid != b.Gid || a.Mode != b.Mode)
        {
            return false;
        }

        return a.FileType switch
        {
            PosixFileType.Directory => true,
            PosixFileType.SymbolicLink => fs.ReadSymbolicLink(pathA) == fs.ReadSymbolicLink(pathB),
            PosixFileType.RegularFile => a.Size == b.Size && SameBytes(fs, pathA, pathB),
            _ => a.RDevice == b.RDevice,
        };
    }

    private static bool SameBytes(IPosixFileSystem fs, string pathA, string pathB)
    {
        using var sa = fs.OpenRead(pathA);
        using var sb = fs.OpenRead(pathB);
        byte[] ba = new byte[65536];
        byte[] bb = new byte[65536];
        while (true)
        {
            int na = sa.ReadAtLeast(ba, ba.Length, throwOnEndOfStream: false);
            int nb = sb.ReadAtLeast(bb, bb.Length, throwOnEndOfStream: false);
            if (na != nb || !ba.AsSpan(0, na).SequenceEqual(bb.AsSpan(0, nb)))
            {
                return false;
            }

            if (na == 0)
            {
                return true;
            }
        }
    }

    private static void CopyModified(FileTree tree, string oldEtc, string newEtc, string rel, List<string> ignored)
    {
        var fs = tree.FileSystem;
        EnsureParentFromTemplate(tree, oldEtc, newEtc, rel);
        string source = Join(oldEtc, rel);
        string target = Join(newEtc, rel);
        var old = fs.GetStatus(source);
        if (fs.TryGetStatus(target, out var current))
        {
            if (current.IsDirectory)
            {
                if (!old.IsDirectory)
                {
                    throw new AptOstreeException(DeploymentErrorCodes.EtcMergeConflict, $"Modified config file newly defaults to directory '{rel}', cannot merge.");
                }

                return;
            }

            fs.Delete(target);
        }

        if (old.FileType is PosixFileType.Directory or PosixFileType.RegularFile or PosixFileType.SymbolicLink)
        {
            ignored.AddRange(tree.CopyRecursive(source, target, durable: true).Select(p => p[(oldEtc.Length + 1)..]));
        }
        else
        {
            ignored.Add(rel);
        }
    }

    private static void EnsureParentFromTemplate(FileTree tree, string oldEtc, string newEtc, string rel)
    {
        int slash = rel.LastIndexOf('/');
        if (slash < 0)
        {
            return;
        }

        string parent = rel[..slash];
        var fs = tree.FileSystem;
        if (fs.TryGetStatus(Join(newEtc, parent), out var st))
        {
            if (!st.IsDirectory)
            {
                throw new AptOstreeException(DeploymentErrorCodes.EtcMergeConflict, $"Cannot merge '{rel}': '{parent}' is no longer a directory in the new /etc.");
            }

            return;
        }

        EnsureParentFromTemplate(tree, oldEtc, newEtc, parent);
        var template = fs.GetStatus(Join(oldEtc, parent));
        fs.CreateDirectory(Join(newEtc, parent), PosixPermissions.OwnerOnlyDirectory);
        try
        {
            fs.SetOwner(Join(newEtc, parent), template.Uid, template.Gid);
        }
        catch (PosixException) when (!LibcPosixFileSystem.IsRoot)
        {
        }

        fs.SetPermissions(Join(newEtc, parent), template.Permissions);
    }

    private static string Join(string root, string rel) => rel.Length == 0 ? root : $"{root}/{rel}";
}
