namespace AptOstree.Deb;

/// <summary>deb822 text (a control file, a Packages/Sources index, a Release file, dpkg's status) that breaks the syntax.</summary>
public class Deb822FormatException : InvalidFormatException
{
    /// <summary>Creates the exception with a generic message.</summary>
    public Deb822FormatException()
        : this("The deb822 text is malformed.")
    {
    }

    /// <summary>Creates the exception.</summary>
    public Deb822FormatException(string message)
        : base(DebErrorCodes.Deb822MissingColon, message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public Deb822FormatException(string message, Exception? innerException)
        : base(DebErrorCodes.Deb822MissingColon, message, innerException)
    {
    }

    /// <summary>Creates the exception with a code and position.</summary>
    /// <param name="errorCode">One of the <c>DebErrorCodes.Deb822*</c> codes.</param>
    /// <param name="message">What is wrong; the constructor appends the source and line.</param>
    /// <param name="source">The file or stream being read, when known.</param>
    /// <param name="lineNumber">The 1-based line, or 0 when unknown.</param>
    /// <param name="field">The field involved, when known.</param>
    /// <param name="innerException">The underlying cause, if any.</param>
    public Deb822FormatException(string errorCode, string message, string? source, long lineNumber, string? field = null, Exception? innerException = null)
        : base(errorCode, Describe(message, source, lineNumber, field), innerException, source, lineNumber > 0 ? $"line {lineNumber}" : field)
    {
        LineNumber = lineNumber;
        Field = field;
    }

    /// <summary>The 1-based line number of the problem, or 0 when unknown.</summary>
    public long LineNumber { get; }

    /// <summary>The field involved, when known.</summary>
    public string? Field { get; }

    private static string Describe(string message, string? source, long lineNumber, string? field)
    {
        var where = (source ?? "deb822 input") + (lineNumber > 0 ? $":{lineNumber}" : "");
        return field is null ? $"{where}: {message}" : $"{where}: field '{field}': {message}";
    }
}
