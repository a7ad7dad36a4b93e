namespace AptOstree.Deb;

/// <summary>One field of a deb822 paragraph.</summary>
/// <param name="Name">The field name as written (lookups ignore case).</param>
/// <param name="Value">
/// The value as dpkg stores it: blanks after the colon and trailing white space removed; continuation lines
/// kept with their newline and leading space (a multiline value whose first line is empty starts with a newline).
/// </param>
/// <param name="RawText">The exact source text of the field, name through the last continuation line's newline.</param>
public sealed record Deb822Field(string Name, string Value, string RawText)
{
    /// <summary>
    /// The value of a folded field (<c>Depends</c>, <c>Tag</c>, <c>Uploaders</c>): all line breaks and the blanks
    /// around them collapsed to one space.
    /// </summary>
    public string FoldedValue => Deb822Values.Fold(Value);

    /// <summary>
    /// The lines of a multiline field (<c>Description</c>, <c>SHA256</c>, <c>Conffiles</c>): the first line, then each
    /// continuation line without its first space, with <c>.</c> lines turned into empty lines.
    /// </summary>
    public IReadOnlyList<string> Lines => Deb822Values.SplitLines(Value);
}
