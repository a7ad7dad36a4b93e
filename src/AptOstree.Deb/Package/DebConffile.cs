namespace AptOstree.Deb;

/// <summary>A line of the <c>conffiles</c> control file.</summary>
/// <param name="Path">Absolute path of the configuration file.</param>
/// <param name="Flags">Flags after the path (dpkg ≥ 1.20: <c>remove-on-upgrade</c>), empty when none.</param>
public sealed record DebConffile(string Path, IReadOnlyList<string> Flags);
