using AptOstree.OSTree;
using AptOstree.Posix;

namespace AptOstree.Compose.Images;

/// <summary>
/// Applies what commands changed in a <see cref="ScriptSandbox"/> (its <see cref="SandboxChanges"/>) to the in-memory
/// tree the sandbox's lower directory was checked out from, writing new content into the repository.
/// </summary>
internal static class SandboxTreeChanges
{
    /// <summary>Applies <paramref name="changes"/> in order (parents first); returns how many were applied.</summary>
    public static int Apply(OstreeRepository repository, ScriptSandbox sandbox, MutableTree root, SandboxChanges changes)
    {
        foreach (var change in changes.Entries)
        {
            if (change.Path.Length == 0)
            {
                if (change.Kind == SandboxChangeKind.Written && change.MetadataChanged)
                {
                    root.Meta = DirMeta.Create(change.Uid, change.Gid, change.Permissions, Attributes(change));
                }

                continue;
            }

            int slash = change.Path.LastIndexOf('/');
            var parent = slash < 0 ? root : root.EnsureDirectory(change.Path[..slash]);
            string name = change.Path[(slash + 1)..];
            if (change.Kind == SandboxChangeKind.Deleted)
            {
                parent.Remove(name);
                continue;
            }

            switch (change.Type)
            {
                case PosixFileType.Directory:
                    var existing = parent.Directories.GetValueOrDefault(name);
                    if (existing is null)
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

                    if (existing is null || change.MetadataChanged)
                    {
                        dir.Meta = DirMeta.Create(change.Uid, change.Gid, change.Permissions, Attributes(change));
                    }

                    break;
                case PosixFileType.RegularFile:
                    var header = KeptHeader(repository, parent, name, change) ?? FileHeader.ForFile(change.Uid, change.Gid, change.Permissions, Attributes(change));
                    using (var content = sandbox.OpenContent(change))
                    {
                        parent.Remove(name);
                        parent.SetFile(name, repository.WriteContent(FileHeader.ForFile(header.Uid, header.Gid, header.Mode & 0xFFF, header.Xattrs), content, change.Size));
                    }

                    break;
                case PosixFileType.SymbolicLink:
                    parent.Remove(name);
                    parent.SetFile(name, repository.WriteContent(FileHeader.ForSymlink(change.Uid, change.Gid, change.LinkTarget!, Attributes(change)), null, 0));
                    break;
                default:
                    // FIFOs, sockets and device nodes cannot be committed (OSTree holds files, directories, symlinks).
                    parent.Remove(name);
                    break;
            }
        }

        return changes.Entries.Count;
    }

    /// <summary>A regular file whose content alone was rewritten keeps the owner, mode and xattrs its commit records.</summary>
    private static FileHeader? KeptHeader(OstreeRepository repository, MutableTree parent, string name, SandboxChange change)
    {
        if (change.MetadataChanged || !parent.Files.TryGetValue(name, out var lower))
        {
            return null;
        }

        var header = repository.Objects.ReadContentHeader(lower);
        return header.IsSymlink ? null : header;
    }

    private static IReadOnlyList<ExtendedAttribute> Attributes(SandboxChange change) =>
        ExtendedAttribute.Canonicalize(change.ExtendedAttributes.Select(kv => new ExtendedAttribute(kv.Key, kv.Value.ToArray())));
}
