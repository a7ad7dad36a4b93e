using System.Buffers.Binary;
using AptOstree.OSTree.GVariant;
using AptOstree.Posix;

namespace AptOstree.OSTree;

/// <summary>The objects of a repository: paths, presence, reading and enumeration (writes go through commits and pulls).</summary>
public sealed class ObjectStore
{
    private const string UserMetaXattr = "user.ostreemeta";
    private readonly OstreeRepository _repo;

    internal ObjectStore(OstreeRepository repository) => _repo = repository;

    /// <summary>The <c>objects/</c> directory.</summary>
    public string Directory => Path.Combine(_repo.Path, "objects");

    /// <summary>The loose path <c>objects/XX/YYYY….ext</c> of an object.</summary>
    public string GetLoosePath(Checksum checksum, ObjectType type)
    {
        string hex = checksum.ToString();
        return $"{_repo.Path}/objects/{hex[..2]}/{hex[2..]}.{type.Extension(_repo.Mode == RepoMode.Archive)}";
    }

    /// <summary>True when the object is present.</summary>
    public bool Contains(Checksum checksum, ObjectType type) => _repo.FileSystem.TryGetStatus(GetLoosePath(checksum, type), out _);

    /// <summary>The bytes of a metadata object, optionally verifying that they hash to the name.</summary>
    /// <exception cref="OstreeObjectException">Missing, or (with <paramref name="verify"/>) corrupt.</exception>
    public byte[] ReadMetadataBytes(Checksum checksum, ObjectType type, bool verify = false)
    {
        string path = GetLoosePath(checksum, type);
        byte[] data;
        try
        {
            data = _repo.FileSystem.ReadAllBytes(path);
        }
        catch (PosixException ex) when (ex.IsNotFound || ex.Errno == PosixErrno.ENOTDIR)
        {
            throw new OstreeObjectException(OstreeErrorCodes.ObjectNotFound, $"{checksum}.{type.Extension()}", "object not found in " + _repo.Path, ex);
        }

        if (verify && type != ObjectType.CommitMeta)
        {
            var actual = Checksum.Compute(data);
            if (actual != checksum)
            {
                throw new OstreeObjectException(OstreeErrorCodes.CorruptObject, $"{checksum}.{type.Extension()}", $"corrupted object: content hashes to {actual}");
            }
        }

        return data;
    }

    /// <summary>Reads and validates a commit.</summary>
    public OstreeCommit ReadCommit(Checksum checksum, bool verify = false) =>
        OstreeCommit.Parse(ReadMetadataBytes(checksum, ObjectType.Commit, verify), Name(checksum, ObjectType.Commit), verify);

    /// <summary>Reads and validates a dirtree (names, sort order, checksum lengths).</summary>
    public DirTree ReadDirTree(Checksum checksum, bool verify = false) =>
        DirTree.Parse(ReadMetadataBytes(checksum, ObjectType.DirTree, verify), Name(checksum, ObjectType.DirTree), verify);

    /// <summary>Reads and validates a dirmeta.</summary>
    public DirMeta ReadDirMeta(Checksum checksum, bool verify = false) =>
        DirMeta.Parse(ReadMetadataBytes(checksum, ObjectType.DirMeta, verify), Name(checksum, ObjectType.DirMeta), verify);

    /// <summary>The detached metadata (<c>.commitmeta</c>) of a commit, or null when there is none.</summary>
    public IReadOnlyList<KeyValuePair<string, GVariantValue>>? ReadDetachedMetadata(Checksum commit)
    {
        string path = GetLoosePath(commit, ObjectType.CommitMeta);
        if (!_repo.FileSystem.FileExists(path))
        {
            return null;
        }

        var items = (object[])GVariantSerializer.Deserialize("a{sv}", _repo.FileSystem.ReadAllBytes(path), Name(commit, ObjectType.CommitMeta), requireNormalForm: false);
        return items.Cast<object[]>().Select(e => new KeyValuePair<string, GVariantValue>((string)e[0], (GVariantValue)e[1])).ToArray();
    }

    /// <summary>Reads the header (owner, mode, target, xattrs) of a content object without opening its content.</summary>
    public FileHeader ReadContentHeader(Checksum checksum)
    {
        using var content = OpenContent(checksum, headerOnly: true);
        return content.Header;
    }

    /// <summary>Opens a content object in whatever mode the repository stores it.</summary>
    /// <exception cref="OstreeObjectException">Missing or malformed.</exception>
    public ContentObject OpenContent(Checksum checksum) => OpenContent(checksum, headerOnly: false);

    internal ContentObject OpenContent(Checksum checksum, bool headerOnly)
    {
        string path = GetLoosePath(checksum, ObjectType.File);
        string name = Name(checksum, ObjectType.File);
        var fs = _repo.FileSystem;
        if (!fs.TryGetStatus(path, out var st))
        {
            throw new OstreeObjectException(OstreeErrorCodes.ObjectNotFound, name, "object not found in " + _repo.Path);
        }

        switch (_repo.Mode)
        {
            case RepoMode.Archive:
                return OpenArchive(fs, checksum, path, name, headerOnly);
            case RepoMode.BareUser:
            {
                byte[] meta = fs.GetExtendedAttribute(path, UserMetaXattr)
                    ?? throw new OstreeObjectException(OstreeErrorCodes.InvalidObject, name, "bare-user object has no user.ostreemeta xattr");
                var header = FileHeader.ParseUserMeta(meta, name);
                if (header.IsSymlink)
                {
                    byte[] target = fs.ReadAllBytes(path);
                    int len = target.Length > 0 && target[^1] == 0 ? target.Length - 1 : target.Length;
                    header = header with { SymlinkTarget = System.Text.Encoding.UTF8.GetString(target, 0, len) };
                    header.Validate(name);
                    return new ContentObject(checksum, header, 0, Stream.Null, path);
                }

                header.Validate(name);
                return new ContentObject(checksum, header, st.Size, headerOnly ? Stream.Null : fs.OpenRead(path), path);
            }

            default:
            {
                bool userOnly = _repo.Mode == RepoMode.BareUserOnly;
                uint uid = userOnly ? 0 : st.Uid;
                uint gid = userOnly ? 0 : st.Gid;
                IReadOnlyList<ExtendedAttribute> xattrs = userOnly || _repo.DisableXattrs ? [] : ReadXattrs(checksum, path, name);
                if (st.IsSymbolicLink)
                {
                    var link = FileHeader.ForSymlink(uid, gid, fs.ReadSymbolicLink(path), xattrs);
                    return new ContentObject(checksum, link, 0, Stream.Null, path);
                }

                if (!st.IsRegularFile)
                {
                    throw new OstreeObjectException(OstreeErrorCodes.InvalidObject, name, "object is neither a regular file nor a symlink");
                }

                var header = new FileHeader(uid, gid, st.Mode, string.Empty, xattrs);
                return new ContentObject(checksum, header, st.Size, headerOnly ? Stream.Null : fs.OpenRead(path), path);
            }
        }
    }

    /// <summary>Every loose object, in directory order.</summary>
    public IEnumerable<ObjectName> Enumerate()
    {
        var fs = _repo.FileSystem;
        string root = Directory;
        foreach (var prefix in fs.ListDirectory(root))
        {
            if (prefix.Length != 2 || !fs.DirectoryExists($"{root}/{prefix}"))
            {
                continue;
            }

            foreach (var file in fs.ListDirectory($"{root}/{prefix}"))
            {
                int dot = file.IndexOf('.', StringComparison.Ordinal);
                if (dot != 62 || !ObjectTypeExtensions.TryParseExtension(file[(dot + 1)..], out var type)
                    || !Checksum.TryParse(prefix + file[..dot], out var checksum))
                {
                    continue;
                }

                yield return new ObjectName(checksum, type);
            }
        }
    }

    /// <summary>Deletes one loose object (used by prune; callers hold the exclusive lock).</summary>
    internal void Delete(Checksum checksum, ObjectType type)
    {
        string path = GetLoosePath(checksum, type);
        if (_repo.FileSystem.TryGetStatus(path, out _))
        {
            _repo.FileSystem.Delete(path);
        }
    }

    internal static string Name(Checksum checksum, ObjectType type) => $"{checksum}.{type.Extension()}";

    private IReadOnlyList<ExtendedAttribute> ReadXattrs(Checksum checksum, string path, string name)
    {
        if (_repo.Mode == RepoMode.BareSplitXattrs)
        {
            string link = GetLoosePath(checksum, ObjectType.FileXattrsLink);
            if (!_repo.FileSystem.FileExists(link))
            {
                return [];
            }

            var value = GVariantSerializer.Deserialize("a(ayay)", _repo.FileSystem.ReadAllBytes(link), name + " xattrs", requireNormalForm: false);
            return ExtendedAttribute.FromGVariant(value, name);
        }

        return ReadXattrsFromInode(_repo.FileSystem, path);
    }

    internal static IReadOnlyList<ExtendedAttribute> ReadXattrsFromInode(IPosixFileSystem fs, string path)
    {
        var names = fs.ListExtendedAttributes(path);
        if (names.Count == 0)
        {
            return [];
        }

        var list = new List<ExtendedAttribute>(names.Count);
        foreach (var n in names)
        {
            if (fs.GetExtendedAttribute(path, n) is { Length: > 0 } value)
            {
                list.Add(new ExtendedAttribute(n, value));
            }
        }

        return ExtendedAttribute.Canonicalize(list);
    }

    private static ContentObject OpenArchive(IPosixFileSystem fs, Checksum checksum, string path, string name, bool headerOnly)
    {
        var file = new BufferedStream(fs.OpenRead(path), 65536);
        try
        {
            Span<byte> prefix = stackalloc byte[8];
            if (file.ReadAtLeast(prefix, 8, throwOnEndOfStream: false) != 8)
            {
                throw new OstreeObjectException(OstreeErrorCodes.InvalidObject, name, "archive object is shorter than its 8-byte length prefix");
            }

            uint h = BinaryPrimitives.ReadUInt32BigEndian(prefix);
            if (h == 0 || h > file.Length - 8)
            {
                throw new OstreeObjectException(OstreeErrorCodes.InvalidObject, name, $"archive header length {h} is invalid for a {file.Length}-byte object");
            }

            byte[] all = new byte[8 + h];
            prefix.CopyTo(all);
            file.ReadExactly(all, 8, (int)h);
            var header = FileHeader.ParseArchiveHeader(all, name, out ulong size, out _);
            if (header.IsSymlink || headerOnly)
            {
                file.Dispose();
                return new ContentObject(checksum, header, header.IsSymlink ? 0 : (long)size, Stream.Null, null);
            }

            return new ContentObject(checksum, header, (long)size, new ArchiveContentStream(file, name), null);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }
}
