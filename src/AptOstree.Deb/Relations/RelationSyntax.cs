namespace AptOstree.Deb;

/// <summary>
/// Where the parts of one relation sit in the text <see cref="RelationReader"/> read (a length of -1 when a part is
/// absent): <c>name[:qualifier] [(op version)] [[arch …]] [&lt;profile …&gt;…]</c>.
/// </summary>
internal readonly record struct RelationSyntax(
    int NameStart,
    int NameLength,
    int QualifierStart,
    int QualifierLength,
    RelationOperator Operator,
    int VersionStart,
    int VersionLength,
    bool HasArchitectureRestriction,
    bool ArchitectureRestrictionNegated,
    bool HasBuildProfiles);
