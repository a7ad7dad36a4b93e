using AptOstree.Posix;

namespace AptOstree.Compose;

/// <summary>
/// Read-only lookups in the sandbox's lower tree by tree-relative path, resolved the way the overlay sees them:
/// a symbolic link on the way (e.g. an absolute link to a host path) ends the lookup instead of being followed.
/// </summary>
internal sealed class LowerTree(string root)
{
    private readonly LibcPosixFileSystem _fs = LibcPosixFileSystem.Instance;

    /// <summary>The tree's root directory on the host.</summary>
    public string Root { get; } = root;

    /// <summary>The lstat of <paramref name="relativePath"/>, false when absent or hidden behind a non-directory.</summary>
    public bool TryGetStatus(string relativePath, out PosixFileStatus status)
    {
        status = default;
        if (relativePath.Length == 0)
        {
            return _fs.TryGetStatus(Root, out status);
        }

        var parts = relativePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var path = Root;
        for (int i = 0; i < parts.Length; i++)
        {
            path = Path.Combine(path, parts[i]);
            if (!_fs.TryGetStatus(path, out status))
            {
                return false;
            }

            if (i < parts.Length - 1 && !status.IsDirectory)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The path's extended attributes except overlayfs's own (the caller has checked that the path exists).</summary>
    public Dictionary<string, ReadOnlyMemory<byte>> GetExtendedAttributes(string relativePath)
    {
        var path = Path.Combine(Root, relativePath);
        var result = new Dictionary<string, ReadOnlyMemory<byte>>(StringComparer.Ordinal);
        foreach (var name in _fs.ListExtendedAttributes(path))
        {
            if (!OverlayAttributes.IsInternal(name) && _fs.GetExtendedAttribute(path, name) is { } value)
            {
                result[name] = value;
            }
        }

        return result;
    }
}
