namespace AptOstree.OSTree.Sysroot;

/// <summary>What the /etc three-way merge carried over, as paths relative to <c>/etc</c>.</summary>
/// <param name="Modified">Locally modified defaults that were kept.</param>
/// <param name="Removed">Locally removed defaults that stay removed.</param>
/// <param name="Added">Locally added files that were kept.</param>
/// <param name="IgnoredSpecialFiles">Fifos, sockets and devices that were not copied.</param>
public sealed record EtcMergeResult(IReadOnlyList<string> Modified, IReadOnlyList<string> Removed, IReadOnlyList<string> Added, IReadOnlyList<string> IgnoredSpecialFiles);
