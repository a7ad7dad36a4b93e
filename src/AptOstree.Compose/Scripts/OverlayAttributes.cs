namespace AptOstree.Compose;

/// <summary>
/// The extended attributes that are storage bookkeeping, not a file's own: those overlayfs keeps in its upper directory (Documentation/filesystems/overlayfs.rst). The
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

    /// <summary>
    /// OSTree's bare-user record of an object's real owner, group, mode and xattrs. A hard-link checkout of a
    /// bare-user repository carries it on every file, and a copy-up copies it with the file; it describes the lower
    /// object, not the changed file, so it is never part of a change.
    /// </summary>
    public const string OstreeMeta = "user.ostreemeta";

    /// <summary>True for storage bookkeeping rather than a file's own attributes: overlayfs's (origin, impure, uuid, opaque, redirect, whiteout…) and <see cref="OstreeMeta"/>.</summary>
    public static bool IsInternal(string name) =>
        name.StartsWith("user.overlay.", StringComparison.Ordinal) || name.StartsWith("trusted.overlay.", StringComparison.Ordinal) || name == OstreeMeta;
}
