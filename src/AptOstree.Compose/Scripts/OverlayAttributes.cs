namespace AptOstree.Compose;

/// <summary>
/// The extended attributes overlayfs keeps in its upper directory (Documentation/filesystems/overlayfs.rst). The
/// sandbox mounts with <c>userxattr</c> (required for a mount in a user namespace, used as root too so both modes
/// leave the same upper tree), so they are <c>user.overlay.*</c>; <c>trusted.overlay.*</c> is what a mount
/// without that option writes.
/// </summary>
internal static class OverlayAttributes
{
    /// <summary>On a directory, value <c>y</c>: the directory hides everything the lower layers have beneath it.</summary>
    public const string Opaque = "user.overlay.opaque";

    /// <summary>On a regular file (kernel 6.7+ "xattr whiteouts"): the file stands for a deletion.</summary>
    public const string Whiteout = "user.overlay.whiteout";

    /// <summary>True for overlayfs's bookkeeping attributes (origin, impure, uuid, opaque, redirect, whiteout…).</summary>
    public static bool IsInternal(string name) =>
        name.StartsWith("user.overlay.", StringComparison.Ordinal) || name.StartsWith("trusted.overlay.", StringComparison.Ordinal);
}
