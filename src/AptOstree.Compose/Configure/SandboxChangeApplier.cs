using AptOstree.OSTree;
using AptOstree.Posix;

namespace AptOstree.Compose;

/// <summary>Overlays what the scripts changed (a <see cref="ScriptSandbox"/>'s captured changes) onto the assembled tree.</summary>
/// <remarks>
/// An entry whose owner, group, mode and type the scripts did not change (<see cref="SandboxChange.MetadataChanged"/>
/// false: only its content or link target was rewritten) keeps the metadata its commit records. That is what a root
/// run over a faithful checkout produces, and what a rootless run must produce too: over a bare-user hard-link
/// checkout the scripts see every file as root's with its on-disk mode, whatever the commit says.
/// </remarks>
internal static class SandboxChangeApplier
{
    public static int Apply(OstreeRepository repository, MutableTree root, ScriptSandbox sandbox, SandboxChanges changes, ISet<string> skip)
    {
        int applied = 0;
        foreach (var change in changes.Entries)
        {
            if (skip.Contains(change.Path))
            {
                continue;
            }

            int slash = change.Path.LastIndexOf('/');
            var parent = slash < 0 ? root : root.EnsureDirectory(change.Path[..slash]);
            string name = change.Path[(slash + 1)..];
            applied++;
            if (change.Kind == SandboxChangeKind.Deleted)
            {
                parent.Remove(name);
                continue;
            }

            var xattrs = ExtendedAttribute.Canonicalize(change.ExtendedAttributes.Select(x => new ExtendedAttribute(x.Key, x.Value.ToArray())));
            switch (change.Type)
            {
                case PosixFileType.Directory:
                    bool existed = parent.Directories.ContainsKey(name);
                    if (!existed)
                    {
                        parent.Remove(name);
                    }

                    var dir = parent.GetOrCreateDirectory(name);
                    if (change.IsOpaque)
                    {
                        foreach (var child in dir.Files.Keys.Concat(dir.Directories.Keys).ToList())
                        {
                            dir.Remove(child);
                        }
                    }

                    if (change.MetadataChanged || !existed)
                    {
                        dir.Meta = DirMeta.Create(change.Uid, change.Gid, change.Permissions, xattrs);
                    }

                    break;
                case PosixFileType.RegularFile:
                {
                    var header = Committed(repository, parent, name, change) is { } kept
                        ? FileHeader.ForFile(kept.Uid, kept.Gid, kept.Mode, kept.Xattrs)
                        : FileHeader.ForFile(change.Uid, change.Gid, change.Permissions, xattrs);
                    using var stream = sandbox.OpenContent(change);
                    parent.Remove(name);
                    parent.SetFile(name, repository.WriteContent(header, stream, change.Size));
                    break;
                }

                case PosixFileType.SymbolicLink:
                {
                    var header = Committed(repository, parent, name, change) is { } kept
                        ? FileHeader.ForSymlink(kept.Uid, kept.Gid, change.LinkTarget!, kept.Xattrs)
                        : FileHeader.ForSymlink(change.Uid, change.Gid, change.LinkTarget!, xattrs);
                    parent.Remove(name);
                    parent.SetFile(name, repository.WriteContent(header, null, 0));
                    break;
                }

                default:
                    // FIFOs, sockets and device nodes cannot be committed (OSTree holds files, directories, symlinks).
                    parent.Remove(name);
                    break;
            }
        }

        return applied;
    }

    // The commit's header of the entry the scripts rewrote without touching its metadata; null when it is new or changed.
    private static FileHeader? Committed(OstreeRepository repository, MutableTree parent, string name, SandboxChange change)
    {
        if (change.MetadataChanged || !change.ExistsInLower || !parent.Files.TryGetValue(name, out var existing))
        {
            return null;
        }

        var header = repository.Objects.ReadContentHeader(existing);
        bool sameType = change.Type == PosixFileType.SymbolicLink ? header.IsSymlink : header.IsRegularFile;
        return sameType ? header : null;
    }
}
