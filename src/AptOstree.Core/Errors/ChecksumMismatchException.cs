namespace AptOstree;

/// <summary>Content whose SHA-256 differs from the value it was promised to have.</summary>
public class ChecksumMismatchException : AptOstreeException
{
    /// <summary>Creates the exception.</summary>
    public ChecksumMismatchException()
        : this("Content does not match its expected checksum.")
    {
    }

    /// <summary>Creates the exception.</summary>
    public ChecksumMismatchException(string message)
        : base(CoreErrorCodes.ChecksumMismatch, message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public ChecksumMismatchException(string message, Exception? innerException)
        : base(CoreErrorCodes.ChecksumMismatch, message, innerException)
    {
    }

    /// <summary>Creates the exception for <paramref name="subject"/>.</summary>
    public ChecksumMismatchException(string subject, Checksum expected, Checksum actual)
        : base(CoreErrorCodes.ChecksumMismatch, $"Checksum mismatch for {subject}: expected {expected}, got {actual}.")
    {
        Subject = subject;
        Expected = expected;
        Actual = actual;
    }

    /// <summary>What was being verified (a file, an object name, a download).</summary>
    public string? Subject { get; }

    /// <summary>The promised checksum.</summary>
    public Checksum? Expected { get; }

    /// <summary>The checksum actually computed.</summary>
    public Checksum? Actual { get; }
}
