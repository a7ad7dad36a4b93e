namespace AptOstree.Deb;

/// <summary>What a reader of the deb822 grammar does with the lines of a paragraph (<see cref="Deb822Grammar"/>).</summary>
/// <typeparam name="T">The text unit: <see cref="byte"/> (UTF-8 indexes) or <see cref="char"/>.</typeparam>
internal interface IDeb822LineSink<T>
    where T : unmanaged
{
    /// <summary>A field line: the name is <c>[lineStart, colon)</c>, the value starts at <paramref name="valueStart"/>
    /// (blanks after the colon skipped) and the line ends at <paramref name="lineEnd"/> (its newline, or the end).</summary>
    void Field(ReadOnlySpan<T> data, int lineStart, int colon, int valueStart, int lineEnd, long line);

    /// <summary>A continuation line of the last field, ending at <paramref name="lineEnd"/>; <paramref name="afterComment"/>
    /// when comment lines came between it and the field's previous line.</summary>
    void Continuation(int lineEnd, bool afterComment);

    /// <summary>The exception for a malformed line (the reader's own error type and code).</summary>
    Exception Malformed(Deb822Malformation kind, long line, ReadOnlySpan<T> text);
}
