namespace AptOstree.Deb;

/// <summary>What a consumer of <see cref="RelationReader"/> does with the relations it reads.</summary>
/// <typeparam name="T">The text unit: <see cref="byte"/> (raw ASCII index bytes) or <see cref="char"/>.</typeparam>
internal interface IRelationSink<T>
    where T : unmanaged
{
    /// <summary>A term of the current relation's <c>[…]</c> list (reported before <see cref="Relation"/>).</summary>
    void ArchitectureTerm(ReadOnlySpan<T> text, int start, int length, bool negated);

    /// <summary>A term of the current relation's <c>&lt;…&gt;</c> lists; <paramref name="startsList"/> for the first term of a list.</summary>
    void BuildProfileTerm(ReadOnlySpan<T> text, int start, int length, bool negated, bool startsList);

    /// <summary>A relation; <paramref name="alternative"/> when a <c>|</c> joins it to the previous one (same group).</summary>
    void Relation(ReadOnlySpan<T> text, in RelationSyntax relation, bool alternative);

    /// <summary>The exception for text that breaks the grammar at <paramref name="offset"/> (the consumer's own type).</summary>
    Exception Error(ReadOnlySpan<T> text, string code, string problem, int offset, Exception? innerException);
}
