namespace AptOstree;

/// <summary>A system call of the POSIX file layer failed; <see cref="Errno"/> holds the C errno.</summary>
public class PosixException : AptOstreeException
{
    /// <summary>Creates the exception.</summary>
    public PosixException()
        : this("A POSIX file operation failed.")
    {
    }

    /// <summary>Creates the exception.</summary>
    public PosixException(string message)
        : base(CoreErrorCodes.PosixCallFailed, message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public PosixException(string message, Exception? innerException)
        : base(CoreErrorCodes.PosixCallFailed, message, innerException)
    {
    }

    /// <summary>Creates the exception for a failed call.</summary>
    /// <param name="operation">The call, e.g. <c>link</c>.</param>
    /// <param name="path">The path it was applied to.</param>
    /// <param name="errno">The C errno value.</param>
    /// <param name="description">The strerror text.</param>
    public PosixException(string operation, string path, int errno, string description)
        : base(CoreErrorCodes.PosixCallFailed, $"{operation}('{path}') failed: {description} (errno {errno}).")
    {
        Operation = operation;
        Path = path;
        Errno = errno;
    }

    /// <summary>The failed call.</summary>
    public string? Operation { get; }

    /// <summary>The path involved.</summary>
    public string? Path { get; }

    /// <summary>The C errno.</summary>
    public int Errno { get; }

    /// <summary>True when the call failed because the path already exists (EEXIST).</summary>
    public bool IsAlreadyExists => Errno == PosixErrno.EEXIST;

    /// <summary>True when the call failed because a path component does not exist (ENOENT).</summary>
    public bool IsNotFound => Errno == PosixErrno.ENOENT;
}
