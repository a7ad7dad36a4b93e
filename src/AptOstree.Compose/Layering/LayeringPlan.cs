namespace AptOstree.Compose.Layering;

/// <summary>What a layering transaction does: the base it builds on, the request it records, the packages it layers.</summary>
/// <param name="Base">The base commit.</param>
/// <param name="RequestedPackages">The repository package names the new origin requests.</param>
/// <param name="RequestedLocalPackages">The local .deb files the new origin requests.</param>
/// <param name="Layered">The packages the new commit adds to the base.</param>
/// <param name="Inactive">Requested names the base already has (recorded, nothing layered).</param>
/// <param name="Added">Packages layered now that the current deployment does not layer.</param>
/// <param name="Removed">Packages the current deployment layers that the new one does not.</param>
/// <param name="InstalledSize">Sum of the layered packages' <c>Installed-Size</c> in KiB.</param>
public sealed record LayeringPlan(
    Checksum Base,
    IReadOnlyList<string> RequestedPackages,
    IReadOnlyList<LocalPackageRequest> RequestedLocalPackages,
    IReadOnlyList<DpkgPackage> Layered,
    IReadOnlyList<string> Inactive,
    IReadOnlyList<DpkgPackage> Added,
    IReadOnlyList<DpkgPackage> Removed,
    long InstalledSize)
{
    /// <summary>Bytes to download from the base's sources (packages not in the repository's import cache yet).</summary>
    public long DownloadSize { get; init; }

    /// <summary>
    /// The maintainer scripts the transaction runs, in order, as <c>NAME.preinst</c> / <c>NAME.postinst</c>: the new
    /// packages' preinsts in install order, then their postinsts (<c>dpkg --configure</c>). On an incremental layering
    /// these are the added packages' scripts; on a new base, or when packages are removed, every layered package's.
    /// </summary>
    public IReadOnlyList<string> Scripts { get; init; } = [];

    /// <summary>Packages whose scripts run but are not downloaded yet (a dry run): whether they ship scripts is known after the download.</summary>
    public IReadOnlyList<DpkgPackage> ScriptsUnknown { get; init; } = [];

    /// <summary>
    /// The triggers the new packages activate (their files under a registered file-trigger path, their <c>activate</c>
    /// lines), ordered by name, each with the packages interested in it; packages in <see cref="ScriptsUnknown"/> are
    /// not looked into yet.
    /// </summary>
    public IReadOnlyList<LayeringTrigger> Triggers { get; init; } = [];

    /// <summary>True when the plan changes neither the layered packages nor the request.</summary>
    public bool IsEmpty => Added.Count == 0 && Removed.Count == 0;
}
