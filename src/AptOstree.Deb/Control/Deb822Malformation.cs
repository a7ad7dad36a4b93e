namespace AptOstree.Deb;

/// <summary>The structural errors of the deb822 line grammar (<see cref="Deb822Grammar"/>).</summary>
internal enum Deb822Malformation
{
    /// <summary>A continuation line before the paragraph's first field.</summary>
    ContinuationWithoutField,

    /// <summary>A line that is not <c>Name: value</c>, a continuation, a comment or blank.</summary>
    MissingColon,

    /// <summary>A field name outside US-ASCII 0x21–0x7E or starting with <c>#</c> or <c>-</c>.</summary>
    InvalidFieldName,
}
