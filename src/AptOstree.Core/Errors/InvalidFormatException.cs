namespace AptOstree;

/// <summary>
/// Input that does not follow its format: a truncated archive, a bad header, an unparsable field.
/// <see cref="SourceName"/> names the file or stream and <see cref="Location"/> the member, offset or field.
/// </summary>
public class InvalidFormatException : AptOstreeException
{
    /// <summary>Creates the exception with the generic format error code.</summary>
    public InvalidFormatException()
        : this(CoreErrorCodes.InvalidFormat, "The input is not in the expected format.")
    {
    }

    /// <summary>Creates the exception with the generic format error code.</summary>
    public InvalidFormatException(string message)
        : this(CoreErrorCodes.InvalidFormat, message)
    {
    }

    /// <summary>Creates the exception with the generic format error code.</summary>
    public InvalidFormatException(string message, Exception? innerException)
        : this(CoreErrorCodes.InvalidFormat, message, innerException)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="errorCode">Stable error code.</param>
    /// <param name="message">Human-readable description; should already name source and location.</param>
    /// <param name="innerException">Underlying cause.</param>
    /// <param name="source">The file or stream that was being read.</param>
    /// <param name="location">The member, entry, byte offset or field at fault.</param>
    public InvalidFormatException(string errorCode, string message, Exception? innerException = null, string? source = null, string? location = null)
        : base(errorCode, message, innerException)
    {
        SourceName = source;
        Location = location;
    }

    /// <summary>The file or stream being read, when known.</summary>
    public string? SourceName { get; }

    /// <summary>The member, entry, offset or field at fault, when known.</summary>
    public string? Location { get; }
}
