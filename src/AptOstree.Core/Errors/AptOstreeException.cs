namespace AptOstree;

/// <summary>
/// Base type of every exception the AptOstree SDK throws on purpose. Each instance carries a stable
/// <see cref="ErrorCode"/> (for example <c>AO2001</c>) that callers and scripts can match on; the
/// message is for people and may change between releases.
/// </summary>
public class AptOstreeException : Exception
{
    /// <summary>Creates an exception with the generic error code.</summary>
    public AptOstreeException()
        : this(CoreErrorCodes.Unspecified, "An AptOstree operation failed.")
    {
    }

    /// <summary>Creates an exception with the generic error code.</summary>
    public AptOstreeException(string message)
        : this(CoreErrorCodes.Unspecified, message)
    {
    }

    /// <summary>Creates an exception with the generic error code and an inner exception.</summary>
    public AptOstreeException(string message, Exception? innerException)
        : this(CoreErrorCodes.Unspecified, message, innerException)
    {
    }

    /// <summary>Creates an exception with a stable error code.</summary>
    /// <param name="errorCode">A stable code such as <c>AO2001</c>; see the <c>*ErrorCodes</c> classes.</param>
    /// <param name="message">What went wrong, naming the file, member, offset or field involved.</param>
    /// <param name="innerException">The underlying cause, if any.</param>
    public AptOstreeException(string errorCode, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        ArgumentException.ThrowIfNullOrEmpty(errorCode);
        ErrorCode = errorCode;
    }

    /// <summary>The stable error code, e.g. <c>AO2001</c>.</summary>
    public string ErrorCode { get; }

    /// <inheritdoc />
    public override string ToString() => $"{ErrorCode}: {base.ToString()}";
}
