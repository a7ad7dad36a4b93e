namespace AptOstree.Deb.Solver.Loading;

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
    Depends,
    PreDepends,
    Recommends,
    Suggests,
    Conflicts,
    Breaks,
    Replaces,
    Provides,
    AptId,
    Installed,
    Hold,
    AptPin,
    AptCandidate,
    AptAutomatic,
}
