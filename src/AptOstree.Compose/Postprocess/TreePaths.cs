using AptOstree.OSTree;
using AptOstree.Posix;

namespace AptOstree.Compose;

/// <summary>
/// Path lookups in an in-memory tree that follow its symlinks as the kernel would inside the root (absolute targets
/// start again at the tree's root, <c>..</c> stops at the root), so a treefile path such as <c>/etc/os-release</c> or
/// <c>/bin/tool</c> reaches the same object it would reach in the deployed system.
/// </summary>
internal static class TreePaths
{
    private const int MaxSymlinks = 40;

    /// <summary>
    /// Resolves <paramref name="path"/> (absolute or relative to the root) to its parent directory and final name,
    /// following symlinks in every directory component and, when <paramref name="followLast"/>, in the last one too.
    /// Missing directories are created when <paramref name="create"/>, else the result is null.
    /// </summary>
    public static (MutableTree Parent, string Name, string Path)? Resolve(OstreeRepository repository, MutableTree root, string path, bool followLast, bool create)
    {
        var pending = new Queue<string>(Split(path));
        var stack = new List<(string Name, MutableTree Dir)>();
        int hops = 0;
        while (pending.Count > 0)
        {
            string part = pending.Dequeue();
            var current = stack.Count == 0 ? root : stack[^1].Dir;
            if (part == "..")
            {
                if (stack.Count > 0)
                {
                    stack.RemoveAt(stack.Count - 1);
                }

                continue;
            }

            bool last = pending.Count == 0;
            if (current.Directories.TryGetValue(part, out var sub))
            {
                if (last)
                {
                    return (current, part, Join(stack, part));
                }

                stack.Add((part, sub));
                continue;
            }

            if (current.Files.TryGetValue(part, out var file) && (!last || followLast))
            {
                var header = repository.Objects.ReadContentHeader(file);
                if (header.IsSymlink)
                {
                    if (++hops > MaxSymlinks)
                    {
                        return null;
                    }

                    if (header.SymlinkTarget.StartsWith('/'))
                    {
                        stack.Clear();
                    }

                    var rest = Split(header.SymlinkTarget).Concat(pending).ToList();
                    pending = new Queue<string>(rest);
                    if (pending.Count == 0)
                    {
                        // A link to "/" or "." resolves to a directory; callers want a name in a parent.
                        return null;
                    }

                    continue;
                }

                if (!last)
                {
                    return null;
                }
            }

            if (last)
            {
                return (current, part, Join(stack, part));
            }

            if (!create || current.Files.ContainsKey(part))
            {
                return null;
            }

            var made = current.GetOrCreateDirectory(part);
            made.Meta = DirMeta.Create(0, 0, PosixPermissions.Directory);
            stack.Add((part, made));
        }

        return null;
    }

    /// <summary>The directory at <paramref name="path"/> (symlinks followed), created with mode 0755 when missing and <paramref name="create"/>.</summary>
    public static MutableTree? Directory(OstreeRepository repository, MutableTree root, string path, bool create)
    {
        if (Split(path).Count == 0)
        {
            return root;
        }

        if (Resolve(repository, root, path, followLast: true, create) is not { } r)
        {
            return null;
        }

        if (r.Parent.Directories.TryGetValue(r.Name, out var dir))
        {
            return dir;
        }

        if (!create || r.Parent.Files.ContainsKey(r.Name))
        {
            return null;
        }

        dir = r.Parent.GetOrCreateDirectory(r.Name);
        dir.Meta = DirMeta.Create(0, 0, PosixPermissions.Directory);
        return dir;
    }

    private static List<string> Split(string path) =>
        path.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(p => p != ".").ToList();

    private static string Join(List<(string Name, MutableTree Dir)> stack, string name) =>
        string.Join('/', stack.Select(s => s.Name).Append(name));
}
