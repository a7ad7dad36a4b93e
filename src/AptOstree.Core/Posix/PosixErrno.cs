namespace AptOstree;

/// <summary>Linux errno values the SDK reacts to.</summary>
public static class PosixErrno
{
    /// <summary>Operation not permitted.</summary>
    public const int EPERM = 1;

    /// <summary>No such file or directory.</summary>
    public const int ENOENT = 2;

    /// <summary>Resource temporarily unavailable (a lock held elsewhere, non-blocking).</summary>
    public const int EAGAIN = 11;

    /// <summary>Permission denied.</summary>
    public const int EACCES = 13;

    /// <summary>File exists.</summary>
    public const int EEXIST = 17;

    /// <summary>Invalid cross-device link.</summary>
    public const int EXDEV = 18;

    /// <summary>Not a directory.</summary>
    public const int ENOTDIR = 20;

    /// <summary>Is a directory.</summary>
    public const int EISDIR = 21;

    /// <summary>Invalid argument.</summary>
    public const int EINVAL = 22;

    /// <summary>Too many links.</summary>
    public const int EMLINK = 31;

    /// <summary>Directory not empty.</summary>
    public const int ENOTEMPTY = 39;

    /// <summary>No data available (missing xattr).</summary>
    public const int ENODATA = 61;

    /// <summary>Operation not supported.</summary>
    public const int EOPNOTSUPP = 95;
}
