namespace AptOstree.Deb.Apt;

/// <summary>An APT repository or solver operation failed; <see cref="AptOstreeException.ErrorCode"/> is one of <see cref="AptErrorCodes"/>.</summary>
public class AptException : AptOstreeException
{
    /// <summary>Creates the exception with the generic code.</summary>
    public AptException()
        : base(CoreErrorCodes.Unspecified, "An APT operation failed.")
    {
    }

    /// <summary>Creates the exception with the generic code.</summary>
    public AptException(string message)
        : base(CoreErrorCodes.Unspecified, message)
    {
    }

    /// <summary>Creates the exception with the generic code.</summary>
    public AptException(string message, Exception? innerException)
        : base(CoreErrorCodes.Unspecified, message, innerException)
    {
    }

    /// <summary>Creates the exception with a code from <see cref="AptErrorCodes"/>.</summary>
    public AptException(string errorCode, string message, Exception? innerException = null)
        : base(errorCode, message, innerException)
    {
    }
}
