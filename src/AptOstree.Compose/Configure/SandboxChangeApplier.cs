using AptOstree.OSTree;
using AptOstree.Posix;

namespace AptOstree.Compose;

/// <summary>Overlays what scripts changed (the sandbox's upper directory) onto the assembled tree.</summary>
internal static class SandboxChangeApplier
{
    public static int Apply(OstreeRepository repository, MutableTree root, IReadOnlyList<SandboxTreeChange> changes, ISet<string> skip)
    {
        int applied = 0;
        foreach (var change in changes)
        {
            if (skip.Contains(change.Path))
            {
                continue;
            }

            int slash = change.Path.LastIndexOf('/');
            var parent = slash < 0 ? root : root.EnsureDirectory(change.Path[..slash]);
            string name = change.Path[(slash + 1)..];
            var xattrs = change.Xattrs.Where(x => x.Name != "user.ostreemeta").ToList();
            var st = change.Status;
            applied++;
            if (change.Deleted)
            {
                parent.Remove(name);
                continue;
            }

            switch (st.FileType)
            {
                case PosixFileType.Directory:
                    var dir = parent.GetOrCreateDirectory(name);
                    if (change.IsOpaque)
                    {
                        foreach (var child in dir.Files.Keys.Concat(dir.Directories.Keys).ToList())
                        {
                            dir.Remove(child);
                        }
                    }

                    dir.Meta = DirMeta.Create(st.Uid, st.Gid, st.Permissions, xattrs);
                    break;
                case PosixFileType.RegularFile:
                    using (var stream = File.OpenRead(change.HostPath))
                    {
                        parent.SetFile(name, repository.WriteContent(FileHeader.ForFile(st.Uid, st.Gid, st.Permissions, ExtendedAttribute.Canonicalize(xattrs)), stream, stream.Length));
                    }

                    break;
                case PosixFileType.SymbolicLink:
                    parent.SetFile(name, repository.WriteContent(FileHeader.ForSymlink(st.Uid, st.Gid, change.LinkTarget!, ExtendedAttribute.Canonicalize(xattrs)), null, 0));
                    break;
                default:
                    // FIFOs, sockets and device nodes cannot be committed (OSTree holds files, directories, symlinks).
                    parent.Remove(name);
                    break;
            }
        }

        return applied;
    }
}
