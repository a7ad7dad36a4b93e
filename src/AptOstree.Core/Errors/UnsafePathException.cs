namespace AptOstree;

/// <summary>
/// A path from untrusted input (an archive entry, a dirtree name, a symlink chain) would resolve
/// outside the directory the operation is confined to. Nothing is written for such an entry.
/// </summary>
public class UnsafePathException : AptOstreeException
{
    /// <summary>Creates the exception.</summary>
    public UnsafePathException()
        : this("A path would escape its target directory.")
    {
    }

    /// <summary>Creates the exception.</summary>
    public UnsafePathException(string message)
        : base(CoreErrorCodes.UnsafePath, message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public UnsafePathException(string message, Exception? innerException)
        : base(CoreErrorCodes.UnsafePath, message, innerException)
    {
    }

    /// <summary>Creates the exception naming the offending path and the confining root.</summary>
    public UnsafePathException(string path, string root, string reason)
        : base(CoreErrorCodes.UnsafePath, $"Refusing '{path}': {reason} (confined to '{root}').")
    {
        Path = path;
        Root = root;
    }

    /// <summary>The offending path as it appeared in the input.</summary>
    public string? Path { get; }

    /// <summary>The directory the operation is confined to.</summary>
    public string? Root { get; }
}
