namespace AptOstree.Deb;

/// <summary>A relationship field (<c>Depends</c>, <c>Provides</c>, <c>Build-Depends</c>, …) that breaks the grammar.</summary>
public class RelationFormatException : InvalidFormatException
{
    /// <summary>Creates the exception with a generic message.</summary>
    public RelationFormatException()
        : this("The relationship field is malformed.")
    {
    }

    /// <summary>Creates the exception.</summary>
    public RelationFormatException(string message)
        : base(DebErrorCodes.RelationSyntax, message)
    {
        Text = "";
    }

    /// <summary>Creates the exception.</summary>
    public RelationFormatException(string message, Exception? innerException)
        : base(DebErrorCodes.RelationSyntax, message, innerException)
    {
        Text = "";
    }

    /// <summary>Creates the exception for a position in a field's text.</summary>
    /// <param name="errorCode">One of the <c>DebErrorCodes.Relation*</c> codes.</param>
    /// <param name="problem">What is wrong.</param>
    /// <param name="field">The field name, when known.</param>
    /// <param name="text">The whole field value.</param>
    /// <param name="offset">The 0-based character offset of the problem in <paramref name="text"/>.</param>
    /// <param name="innerException">The underlying cause, if any.</param>
    public RelationFormatException(string errorCode, string problem, string? field, string text, int offset, Exception? innerException = null)
        : base(errorCode, Describe(problem, field, text, offset), innerException, field, $"offset {offset}")
    {
        Field = field;
        Text = text;
        Offset = offset;
    }

    /// <summary>The field name, when known.</summary>
    public string? Field { get; }

    /// <summary>The whole field value that failed to parse.</summary>
    public string Text { get; }

    /// <summary>The 0-based offset of the problem in <see cref="Text"/>.</summary>
    public int Offset { get; }

    private static string Describe(string problem, string? field, string text, int offset)
    {
        var shown = text.Length <= 200 ? text : string.Concat(text.AsSpan(0, 197), "...");
        return $"{field ?? "relation"}: {problem} at offset {offset} in '{shown}'.";
    }
}
