namespace AptOstree.Deb;

/// <summary>A text is not a Debian version (dpkg's <c>parseversion</c> would reject it).</summary>
public class DebianVersionFormatException : InvalidFormatException
{
    /// <summary>Creates the exception with the generic version error code.</summary>
    public DebianVersionFormatException()
        : this(DebErrorCodes.VersionEmpty, "The version string is not valid.", "")
    {
    }

    /// <summary>Creates the exception with the generic version error code.</summary>
    public DebianVersionFormatException(string message)
        : this(DebErrorCodes.VersionEmpty, message, "")
    {
    }

    /// <summary>Creates the exception with the generic version error code.</summary>
    public DebianVersionFormatException(string message, Exception? innerException)
        : base(DebErrorCodes.VersionEmpty, message, innerException)
    {
        Text = "";
    }

    /// <summary>Creates the exception for <paramref name="text"/>.</summary>
    /// <param name="errorCode">One of the <c>DebErrorCodes.Version*</c> codes.</param>
    /// <param name="message">What is wrong, already naming the text.</param>
    /// <param name="text">The offending version text.</param>
    /// <param name="source">The file or field the text came from, when known.</param>
    public DebianVersionFormatException(string errorCode, string message, string text, string? source = null)
        : base(errorCode, message, null, source, source is null ? null : "Version")
    {
        Text = text;
    }

    /// <summary>The offending version text.</summary>
    public string Text { get; }
}
