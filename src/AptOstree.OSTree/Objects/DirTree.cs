using AptOstree.OSTree.GVariant;

namespace AptOstree.OSTree;

/// <summary>A file entry of a dirtree: name and content checksum.</summary>
/// <param name="Name">The file name (one path component).</param>
/// <param name="Checksum">The content object.</param>
public sealed record DirTreeFile(string Name, Checksum Checksum);

/// <summary>A subdirectory entry of a dirtree: name, dirtree and dirmeta checksums.</summary>
/// <param name="Name">The directory name (one path component).</param>
/// <param name="TreeChecksum">The subdirectory's dirtree object.</param>
/// <param name="MetaChecksum">The subdirectory's dirmeta object.</param>
public sealed record DirTreeDirectory(string Name, Checksum TreeChecksum, Checksum MetaChecksum);

/// <summary>A dirtree object <c>(a(say)a(sayay))</c>: files and subdirectories, each sorted by UTF-8 name bytes.</summary>
/// <param name="Files">File entries, sorted.</param>
/// <param name="Directories">Directory entries, sorted.</param>
public sealed record DirTree(IReadOnlyList<DirTreeFile> Files, IReadOnlyList<DirTreeDirectory> Directories)
{
    internal const string GVariantType = "(a(say)a(sayay))";

    /// <summary>The empty directory listing.</summary>
    public static DirTree Empty { get; } = new([], []);

    /// <summary>Creates a dirtree, sorting the entries.</summary>
    public static DirTree Create(IEnumerable<DirTreeFile> files, IEnumerable<DirTreeDirectory> directories) =>
        new(files.OrderBy(f => f.Name, Utf8Ordinal.Instance).ToArray(), directories.OrderBy(d => d.Name, Utf8Ordinal.Instance).ToArray());

    /// <summary>The serialized object (its SHA-256 is its name).</summary>
    public byte[] Serialize()
    {
        var files = new object[Files.Count];
        for (int i = 0; i < files.Length; i++)
        {
            files[i] = new object[] { Files[i].Name, Files[i].Checksum.ToByteArray() };
        }

        var dirs = new object[Directories.Count];
        for (int i = 0; i < dirs.Length; i++)
        {
            var d = Directories[i];
            dirs[i] = new object[] { d.Name, d.TreeChecksum.ToByteArray(), d.MetaChecksum.ToByteArray() };
        }

        return GVariantSerializer.Serialize(GVariantType, new object[] { files, dirs });
    }

    /// <summary>Finds a file entry by binary search (the arrays are sorted).</summary>
    public DirTreeFile? FindFile(string name)
    {
        int lo = 0, hi = Files.Count - 1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            int c = Utf8Ordinal.Instance.Compare(Files[mid].Name, name);
            if (c == 0)
            {
                return Files[mid];
            }

            (lo, hi) = c < 0 ? (mid + 1, hi) : (lo, mid - 1);
        }

        return null;
    }

    /// <summary>Finds a directory entry by binary search.</summary>
    public DirTreeDirectory? FindDirectory(string name)
    {
        int lo = 0, hi = Directories.Count - 1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            int c = Utf8Ordinal.Instance.Compare(Directories[mid].Name, name);
            if (c == 0)
            {
                return Directories[mid];
            }

            (lo, hi) = c < 0 ? (mid + 1, hi) : (lo, mid - 1);
        }

        return null;
    }

    /// <summary>
    /// Parses and validates a dirtree: every name is a single safe path component, checksums are 32 bytes, entries
    /// are strictly sorted, and no name is both a file and a directory.
    /// </summary>
    /// <exception cref="InvalidFormatException">The object is malformed or hostile.</exception>
    public static DirTree Parse(ReadOnlySpan<byte> data, string source, bool requireNormalForm = true)
    {
        var t = (object[])GVariantSerializer.Deserialize(GVariantType, data, source, requireNormalForm);
        var fileItems = (object[])t[0];
        var dirItems = (object[])t[1];
        var files = new DirTreeFile[fileItems.Length];
        for (int i = 0; i < files.Length; i++)
        {
            var e = (object[])fileItems[i];
            string name = ValidateName((string)e[0], source);
            files[i] = new DirTreeFile(name, ReadChecksum(e[1], source, name));
            if (i > 0 && Utf8Ordinal.Instance.Compare(files[i - 1].Name, name) >= 0)
            {
                throw new OstreeObjectException(OstreeErrorCodes.InvalidObject, source, $"file entries are not sorted (or duplicated) at '{name}'");
            }
        }

        var dirs = new DirTreeDirectory[dirItems.Length];
        for (int i = 0; i < dirs.Length; i++)
        {
            var e = (object[])dirItems[i];
            string name = ValidateName((string)e[0], source);
            dirs[i] = new DirTreeDirectory(name, ReadChecksum(e[1], source, name), ReadChecksum(e[2], source, name));
            if (i > 0 && Utf8Ordinal.Instance.Compare(dirs[i - 1].Name, name) >= 0)
            {
                throw new OstreeObjectException(OstreeErrorCodes.InvalidObject, source, $"directory entries are not sorted (or duplicated) at '{name}'");
            }
        }

        var tree = new DirTree(files, dirs);
        foreach (var d in dirs)
        {
            if (tree.FindFile(d.Name) is not null)
            {
                throw new OstreeObjectException(OstreeErrorCodes.InvalidObject, source, $"'{d.Name}' is listed both as a file and as a directory");
            }
        }

        return tree;
    }

    /// <summary>Throws unless <paramref name="name"/> is one safe path component (libostree's <c>ot_util_filename_validate</c>).</summary>
    public static string ValidateName(string name, string source)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length == 0 || name == "." || name == ".." || name.Contains('/', StringComparison.Ordinal) || name.Contains('\0', StringComparison.Ordinal))
        {
            throw new OstreeObjectException(OstreeErrorCodes.InvalidObject, source, $"Invalid / in filename or reserved name '{name}'");
        }

        return name;
    }

    private static Checksum ReadChecksum(object value, string source, string name)
    {
        var bytes = (byte[])value;
        return bytes.Length == Checksum.ByteLength
            ? Checksum.FromBytes(bytes)
            : throw new OstreeObjectException(OstreeErrorCodes.InvalidObject, source, $"entry '{name}' has a {bytes.Length}-byte checksum, expected 32");
    }
}
