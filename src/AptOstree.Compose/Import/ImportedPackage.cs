using AptOstree.OSTree;

namespace AptOstree.Compose;

/// <summary>A package held in the repository as its own commit (see <see cref="PackageImporter"/>).</summary>
/// <param name="Name">Package name.</param>
/// <param name="Version">Package version.</param>
/// <param name="Architecture">Package architecture.</param>
/// <param name="Sha256">SHA-256 of the .deb it was imported from.</param>
/// <param name="Ref">Its ref, <c>aptostree/pkg/…</c>.</param>
/// <param name="Commit">Its commit.</param>
/// <param name="Reused">True when an earlier import was found and nothing was written.</param>
public sealed record ImportedPackage(string Name, string Version, string Architecture, string Sha256, string Ref, Checksum Commit, bool Reused);
