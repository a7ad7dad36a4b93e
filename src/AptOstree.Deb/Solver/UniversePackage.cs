
namespace AptOstree.Deb.Solver;

/// <summary>
/// One version of one package in a <see cref="PackageUniverse"/>: the fields the solver, the downloader and the
/// installer need. Relationship fields keep the text of the index (made a string only when read); the universe
/// compiles them on demand.
/// </summary>
public sealed record UniversePackage
{
    /// <summary>The relationship fields; a copy made with <c>with</c> shares them until it sets one (copy on write).</summary>
    private RelationTexts _relations = RelationTexts.Empty;

    private int _id = -1;

    /// <summary>The hashes other than SHA-256: read from the stanza's bytes when asked for (only downloads need them).</summary>
    private LazyFileHashes _otherHashes;

    /// <summary>The position in <see cref="PackageUniverse.Packages"/> (assigned by the universe).</summary>
    public int Id
    {
        get => _id;
        init => _id = value;
    }

    /// <summary>Package name (lower case).</summary>
    public required string Name { get; init; }

    /// <summary>Version text.</summary>
    public required string Version { get; init; }

    /// <summary>Architecture (<c>amd64</c>, <c>all</c>, …).</summary>
    public required string Architecture { get; init; }

    /// <summary>The Multi-Arch field.</summary>
    public MultiArchKind MultiArch { get; init; }

    /// <summary><c>Essential: yes</c>.</summary>
    public bool Essential { get; init; }

    /// <summary><c>Protected: yes</c> or <c>Important: yes</c>.</summary>
    public bool Protected { get; init; }

    /// <summary>The Priority field.</summary>
    public PackagePriority Priority { get; init; } = PackagePriority.Optional;

    /// <summary>The Section field.</summary>
    public string? Section { get; init; }

    /// <summary>The source package name (the package name when the index has no Source field).</summary>
    public string? Source { get; init; }

    /// <summary>Size of the .deb in bytes.</summary>
    public long Size { get; init; }

    /// <summary>Installed-Size in KiB.</summary>
    public long InstalledSize { get; init; }

    /// <summary>Path of the .deb relative to the repository root.</summary>
    public string? Filename { get; init; }

    /// <summary>SHA-256 of the .deb (hex), when the index lists one.</summary>
    public string? Sha256 { get; init; }

    /// <summary>SHA-512 of the .deb (hex), when the index lists one.</summary>
    public string? Sha512
    {
        get => _otherHashes.Values.Sha512;
        init => _otherHashes = new(_otherHashes.Values with { Sha512 = value });
    }

    /// <summary>SHA-1 of the .deb (hex), when the index lists one; too weak to trust alone, checked when present.</summary>
    public string? Sha1
    {
        get => _otherHashes.Values.Sha1;
        init => _otherHashes = new(_otherHashes.Values with { Sha1 = value });
    }

    /// <summary>MD5 of the .deb (hex, the index's <c>MD5sum</c>), when the index lists one; too weak to trust alone, checked when present.</summary>
    public string? Md5Sum
    {
        get => _otherHashes.Values.Md5Sum;
        init => _otherHashes = new(_otherHashes.Values with { Md5Sum = value });
    }

    /// <summary>Depends field text.</summary>
    public string? Depends
    {
        get => _relations.Get(RelationField.Depends);
        init => _relations = _relations.With(this, RelationField.Depends, value);
    }

    /// <summary>Pre-Depends field text.</summary>
    public string? PreDepends
    {
        get => _relations.Get(RelationField.PreDepends);
        init => _relations = _relations.With(this, RelationField.PreDepends, value);
    }

    /// <summary>Recommends field text.</summary>
    public string? Recommends
    {
        get => _relations.Get(RelationField.Recommends);
        init => _relations = _relations.With(this, RelationField.Recommends, value);
    }

    /// <summary>Suggests field text.</summary>
    public string? Suggests
    {
        get => _relations.Get(RelationField.Suggests);
        init => _relations = _relations.With(this, RelationField.Suggests, value);
    }

    /// <summary>Conflicts field text.</summary>
    public string? Conflicts
    {
        get => _relations.Get(RelationField.Conflicts);
        init => _relations = _relations.With(this, RelationField.Conflicts, value);
    }

    /// <summary>Breaks field text.</summary>
    public string? Breaks
    {
        get => _relations.Get(RelationField.Breaks);
        init => _relations = _relations.With(this, RelationField.Breaks, value);
    }

    /// <summary>Replaces field text.</summary>
    public string? Replaces
    {
        get => _relations.Get(RelationField.Replaces);
        init => _relations = _relations.With(this, RelationField.Replaces, value);
    }

    /// <summary>Provides field text.</summary>
    public string? Provides
    {
        get => _relations.Get(RelationField.Provides);
        init => _relations = _relations.With(this, RelationField.Provides, value);
    }

    /// <summary>The index this version came from (null for status-only versions).</summary>
    public PackageOrigin? Origin { get; init; }

    /// <summary>APT pin priority of this version (500 by default, 1 for NotAutomatic, 100 for installed-only).</summary>
    public int Pin { get; init; } = 500;

    /// <summary>True when this version is installed in the root being solved for.</summary>
    public bool IsInstalled { get; init; }

    /// <summary>True when dpkg marks the package on hold.</summary>
    public bool IsHeld { get; init; }

    /// <summary>True when the version was installed automatically (apt's extended_states).</summary>
    public bool IsAutomatic { get; init; }

    /// <summary>True when a repository offers this version for download.</summary>
    public bool IsDownloadable => Filename is not null;

    /// <summary>The EDSP <c>APT-ID</c> this version had in a scenario, if it came from one.</summary>
    public string? AptId { get; init; }

    /// <summary>
    /// Sets <see cref="Id"/> in place: only for a record nobody else holds yet (a universe built from versions its
    /// own reader just made), where a copy per version would be wasted.
    /// </summary>
    internal void AssignId(int id) => _id = id;

    /// <summary>The stanza's bytes in the decoded index, from which the hashes other than SHA-256 are read when asked for.</summary>
    internal ReadOnlyMemory<byte> Stanza
    {
        init => _otherHashes = new(value);
    }

    /// <summary>Relationship fields that the scanner left as byte ranges of the index (materialized on first read).</summary>
    internal RelationTexts Relations
    {
        get => _relations;
        init => _relations = value;
    }

    /// <summary><c>name:arch</c>.</summary>
    public string QualifiedName => $"{Name}:{Architecture}";

    /// <inheritdoc />
    public override string ToString() => $"{Name}:{Architecture} {Version}";
}
