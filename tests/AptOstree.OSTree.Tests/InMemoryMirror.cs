using AptOstree.Posix;

namespace AptOstree.OSTree.Tests;

/// <summary>
/// A repository on disk copied into an <see cref="InMemoryPosixFileSystem"/> at the same path: opened with that file
/// system, everything that goes through it reads and writes the copy (what still reads the disk finds the same bytes).
/// </summary>
internal static class InMemoryMirror
{
    private static readonly IPosixFileSystem Disk = LibcPosixFileSystem.Instance;

    /// <summary>Copies the directory at <paramref name="path"/> (with owners, modes, times, xattrs) to the same path in <paramref name="target"/>.</summary>
    public static void Copy(string path, InMemoryPosixFileSystem target)
    {
        string current = string.Empty;
        foreach (var part in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            current += "/" + part;
            if (!target.TryGetStatus(current, out _))
            {
                target.CreateDirectory(current, PosixPermissions.Directory);
            }
        }

        var pending = new Stack<string>();
        pending.Push(path);
        while (pending.TryPop(out var dir))
        {
            foreach (var name in Disk.ListDirectory(dir))
            {
                string child = dir + "/" + name;
                var st = Disk.GetStatus(child);
                if (st.IsDirectory)
                {
                    target.CreateDirectory(child, st.Permissions);
                    pending.Push(child);
                }
                else if (st.IsSymbolicLink)
                {
                    target.CreateSymbolicLink(Disk.ReadSymbolicLink(child), child);
                    continue;
                }
                else
                {
                    using var from = Disk.OpenRead(child);
                    using var to = target.CreateFile(child, st.Permissions);
                    from.CopyTo(to);
                }

                foreach (var x in Disk.ListExtendedAttributes(child))
                {
                    target.SetExtendedAttribute(child, x, Disk.GetExtendedAttribute(child, x) ?? []);
                }

                target.SetOwner(child, st.Uid, st.Gid);
                target.SetModificationTime(child, st.ModificationTimeSeconds, st.ModificationTimeNanoseconds);
            }
        }
    }
}
