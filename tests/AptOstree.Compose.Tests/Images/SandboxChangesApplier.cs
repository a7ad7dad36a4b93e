using AptOstree.Posix;

namespace AptOstree.Compose.Tests.Images;

/// <summary>
/// Applies a sandbox's captured changes to a plain directory tree (the compose pipeline applies them to its tree
/// in the repository; the stand-in bootable tree of these tests is a directory of its own).
/// </summary>
internal static class SandboxChangesApplier
{
    public static void Apply(ScriptSandbox sandbox, SandboxChanges changes, string root)
    {
        var fs = LibcPosixFileSystem.Instance;
        foreach (var change in changes.Entries)
        {
            string path = Path.Combine(root, change.Path);
            if (change.Kind == SandboxChangeKind.Deleted)
            {
                Remove(path);
                continue;
            }

            if (change.Type == PosixFileType.Directory)
            {
                if (change.IsOpaque || (fs.TryGetStatus(path, out var existing) && !existing.IsDirectory))
                {
                    Remove(path);
                }

                if (!Directory.Exists(path))
                {
                    fs.CreateDirectory(path, change.Permissions);
                }
            }
            else
            {
                Remove(path);
                if (change.Type == PosixFileType.SymbolicLink)
                {
                    fs.CreateSymbolicLink(change.LinkTarget!, path);
                    fs.SetOwner(path, change.Uid, change.Gid);
                    continue;
                }

                if (change.Type != PosixFileType.RegularFile)
                {
                    continue;
                }

                using var source = sandbox.OpenContent(change);
                using var target = fs.CreateFile(path, change.Permissions);
                source.CopyTo(target);
            }

            fs.SetOwner(path, change.Uid, change.Gid);
            fs.SetPermissions(path, change.Permissions);
        }
    }

    private static void Remove(string path)
    {
        var fs = LibcPosixFileSystem.Instance;
        if (!fs.TryGetStatus(path, out var st))
        {
            return;
        }

        if (st.IsDirectory)
        {
            Directory.Delete(path, recursive: true);
        }
        else
        {
            fs.Delete(path);
        }
    }
}
