namespace AptOstree.Deb.Solver;

/// <summary>The relationship fields a <see cref="UniversePackage"/> keeps (<see cref="RelationTexts"/>).</summary>
internal enum RelationField
{
    Depends,
    PreDepends,
    Recommends,
    Suggests,
    Conflicts,
    Breaks,
    Replaces,
    Provides,
}
