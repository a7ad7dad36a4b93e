namespace AptOstree.OSTree;

/// <summary>An object in a repository is missing, malformed or corrupt. <see cref="ObjectName"/> names it.</summary>
public class OstreeObjectException : InvalidFormatException
{
    /// <summary>Creates the exception.</summary>
    public OstreeObjectException()
        : this("An OSTree object is invalid.")
    {
    }

    /// <summary>Creates the exception.</summary>
    public OstreeObjectException(string message)
        : base(OstreeErrorCodes.InvalidObject, message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public OstreeObjectException(string message, Exception? innerException)
        : base(OstreeErrorCodes.InvalidObject, message, innerException)
    {
    }

    /// <summary>Creates the exception for a named object.</summary>
    /// <param name="errorCode">One of <see cref="OstreeErrorCodes"/>.</param>
    /// <param name="objectName">The object, as <c>checksum.type</c>.</param>
    /// <param name="message">What is wrong with it.</param>
    /// <param name="innerException">The underlying cause.</param>
    public OstreeObjectException(string errorCode, string objectName, string message, Exception? innerException = null)
        : base(errorCode, $"{objectName}: {message}", innerException, objectName)
    {
        ObjectName = objectName;
    }

    /// <summary>The object at fault as <c>checksum.type</c>, when known.</summary>
    public string? ObjectName { get; }
}
