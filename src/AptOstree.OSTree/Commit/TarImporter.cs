using System.Formats.Tar;
using System.Text;

namespace AptOstree.OSTree;

/// <summary>
/// Streams the entries of a tar archive (for example a .deb's <c>data.tar</c>, already decompressed) straight into
/// content objects and a <see cref="MutableTree"/>, without extracting anything to disk.
/// </summary>
internal sealed class TarImporter
{
    private readonly RepositoryTransaction _transaction;
    private readonly CommitOptions _options;
    private readonly CommitModifier _modifier;
    private readonly Dictionary<string, Checksum> _byPath = new(StringComparer.Ordinal);

    public TarImporter(OstreeRepository repository, RepositoryTransaction transaction, CommitOptions options)
    {
        _transaction = transaction;
        _options = options;
        _modifier = new CommitModifier(repository, options);
    }

    public void Import(Stream tar, MutableTree tree)
    {
        ArgumentNullException.ThrowIfNull(tar);
        using var reader = new TarReader(tar, leaveOpen: true);
        long count = 0;
        var skipped = new List<string>();
        TarEntry? entry;
        while ((entry = reader.GetNextEntry()) is not null)
        {
            string[] parts = SplitPath(entry.Name);
            var xattrs = Xattrs(entry);
            uint type = entry.EntryType switch
            {
                TarEntryType.Directory => UnixMode.Directory,
                TarEntryType.SymbolicLink => UnixMode.Symlink,
                _ => UnixMode.Regular,
            };
            string treePath = _modifier.Filter is null ? string.Empty : "/" + string.Join('/', parts);
            if (skipped.Count > 0 && skipped.Any(d => treePath.StartsWith(d, StringComparison.Ordinal)))
            {
                continue;
            }

            if (_modifier.Apply(treePath, (uint)entry.Uid, (uint)entry.Gid, type | (uint)entry.Mode) is not { } kept)
            {
                // A directory left out takes the entries below it along, as in a directory commit.
                if (entry.EntryType == TarEntryType.Directory)
                {
                    skipped.Add(treePath == "/" ? "/" : treePath + "/");
                }

                continue;
            }

            var (uid, gid, fullMode) = kept;
            uint mode = fullMode & ~UnixMode.TypeMask;
            if (entry.EntryType == TarEntryType.Directory)
            {
                var dir = tree.EnsureDirectory(string.Join('/', parts));
                if (parts.Length > 0 || entry.Name is "./" or "/" or ".")
                {
                    dir.Meta = _modifier.Directory(uid, gid, UnixMode.Directory | mode, xattrs);
                }

                continue;
            }

            if (parts.Length == 0)
            {
                throw new InvalidFormatException(OstreeErrorCodes.InvalidObject, $"tar entry '{entry.Name}' has no file name.", null, "tar", entry.Name);
            }

            var parent = tree.EnsureDirectory(string.Join('/', parts[..^1]));
            string key = string.Join('/', parts);
            Checksum checksum;
            switch (entry.EntryType)
            {
                case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                    var header = _modifier.File(uid, gid, UnixMode.Regular | mode, string.Empty, xattrs);
                    checksum = _transaction.WriteContent(header, entry.DataStream ?? Stream.Null, entry.Length);
                    break;
                case TarEntryType.SymbolicLink:
                    checksum = _transaction.WriteContent(_modifier.File(uid, gid, UnixMode.Symlink | 0x1FF, entry.LinkName, xattrs), null, 0);
                    break;
                case TarEntryType.HardLink:
                    string target = string.Join('/', SplitPath(entry.LinkName));
                    if (!_byPath.TryGetValue(target, out checksum))
                    {
                        throw new InvalidFormatException(OstreeErrorCodes.InvalidObject, $"tar hard link '{entry.Name}' points to '{entry.LinkName}', which is not an earlier file of the archive.", null, "tar", entry.Name);
                    }

                    break;
                default:
                    throw new AptOstreeException(OstreeErrorCodes.UnsupportedFileType, $"tar entry '{entry.Name}' is a {entry.EntryType}; OSTree can only store regular files, symlinks and directories.");
            }

            _byPath[key] = checksum;
            parent.SetFile(parts[^1], checksum);
            _options.Progress?.Report(new OperationProgress("commit", ++count, null, ProgressUnit.Files));
        }
    }

    private static string[] SplitPath(string name)
    {
        var parts = name.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(p => p != ".").ToArray();
        foreach (var p in parts)
        {
            if (p == "..")
            {
                throw new UnsafePathException(name, "/", "tar entry path contains '..'");
            }
        }

        return parts;
    }

    private static List<ExtendedAttribute> Xattrs(TarEntry entry)
    {
        var list = new List<ExtendedAttribute>();
        if (entry is PaxTarEntry pax)
        {
            foreach (var (k, v) in pax.ExtendedAttributes)
            {
                if (k.StartsWith("SCHILY.xattr.", StringComparison.Ordinal) && v.Length > 0)
                {
                    list.Add(new ExtendedAttribute(k["SCHILY.xattr.".Length..], Encoding.Latin1.GetBytes(v)));
                }
            }
        }

        return [.. ExtendedAttribute.Canonicalize(list)];
    }
}
