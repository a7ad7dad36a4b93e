namespace AptOstree.Deb.Solver;

/// <summary>The fields <see cref="PackageStanzaScanner"/> extracts from a Packages or EDSP stanza; every other field is skipped.</summary>
internal enum StanzaField
{
    Package,
    Version,
    Architecture,
    MultiArch,
    Essential,
    Protected,
    Important,
    Priority,
    Section,
    Source,
    Size,
    InstalledSize,
    Filename,
    Sha256,

    // The relationship fields, in RelationField's order (the scanner maps one onto the other by offset).
    Depends,
    PreDepends = Depends + (int)RelationField.PreDepends,
    Recommends = Depends + (int)RelationField.Recommends,
    Suggests = Depends + (int)RelationField.Suggests,
    Conflicts = Depends + (int)RelationField.Conflicts,
    Breaks = Depends + (int)RelationField.Breaks,
    Replaces = Depends + (int)RelationField.Replaces,
    Provides = Depends + (int)RelationField.Provides,
    AptId,
    Installed,
    Hold,
    AptPin,
    AptCandidate,
    AptAutomatic,
    Md5Sum,
    Sha1,
    Sha512,
}
