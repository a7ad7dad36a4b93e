namespace AptOstree.Posix;

/// <summary>
/// The narrow set of POSIX file operations the SDK needs and .NET does not offer: lstat with inode
/// numbers, hard links, ownership, extended attributes, device nodes, rename-exchange and fsync of
/// files and directories. Every call acts on the path itself and never follows a final symlink.
/// Failures throw <see cref="PosixException"/> carrying the errno.
/// </summary>
/// <remarks>
/// <see cref="LibcPosixFileSystem"/> calls libc; <see cref="InMemoryPosixFileSystem"/> is a fake for tests.
/// </remarks>
public interface IPosixFileSystem
{
    /// <summary><c>lstat</c>: the status of the path itself.</summary>
    PosixFileStatus GetStatus(string path);

    /// <summary><c>lstat</c> that returns false instead of throwing when the path does not exist.</summary>
    bool TryGetStatus(string path, out PosixFileStatus status);

    /// <summary><c>mkdir</c> with the given permission bits (subject to the umask on a real system).</summary>
    void CreateDirectory(string path, uint permissions);

    /// <summary>Creates a new regular file (fails if it exists) and opens it for writing.</summary>
    Stream CreateFile(string path, uint permissions);

    /// <summary>Opens a regular file for reading, following a symlink in the last component (as <c>open(2)</c>).</summary>
    Stream OpenRead(string path);

    /// <summary>
    /// Maps the regular file at <paramref name="path"/> read-only (files up to 2 GiB): its bytes as a span, with no
    /// managed copy where the file system can avoid one. For reading large files in place; small ones read faster
    /// through <see cref="OpenRead"/>.
    /// </summary>
    IPosixFileView MapRead(string path);

    /// <summary>Names in a directory, without <c>.</c> and <c>..</c>, in no particular order.</summary>
    IReadOnlyList<string> ListDirectory(string path);

    /// <summary>
    /// Opens the directory at <paramref name="path"/>, the one call here that follows a symlink in the last component
    /// (the root a walk starts from may be reached through one): its entries are then reached by name relative to it,
    /// never through a symlink (<see cref="IPosixDirectory"/>).
    /// </summary>
    IPosixDirectory OpenDirectory(string path);

    /// <summary><c>unlink</c> for files, <c>rmdir</c> for empty directories.</summary>
    void Delete(string path);

    /// <summary><c>link</c>: a new name for an existing inode.</summary>
    void CreateHardLink(string existingPath, string newPath);

    /// <summary><c>symlink</c>: a link at <paramref name="linkPath"/> whose text is <paramref name="target"/>.</summary>
    void CreateSymbolicLink(string target, string linkPath);

    /// <summary><c>readlink</c>.</summary>
    string ReadSymbolicLink(string path);

    /// <summary><c>lchown</c>.</summary>
    void SetOwner(string path, uint uid, uint gid);

    /// <summary><c>chmod</c> of the permission bits (07777) of a non-symlink.</summary>
    void SetPermissions(string path, uint permissions);

    /// <summary><c>utimensat(…, AT_SYMLINK_NOFOLLOW)</c>: sets the modification time (and the access time to the same).</summary>
    void SetModificationTime(string path, long seconds, uint nanoseconds);

    /// <summary><c>lgetxattr</c>; null when the attribute is absent.</summary>
    byte[]? GetExtendedAttribute(string path, string name);

    /// <summary><c>lsetxattr</c>.</summary>
    void SetExtendedAttribute(string path, string name, byte[] value);

    /// <summary><c>llistxattr</c>: attribute names in the order the file system returns them.</summary>
    IReadOnlyList<string> ListExtendedAttributes(string path);

    /// <summary><c>lremovexattr</c>.</summary>
    void RemoveExtendedAttribute(string path, string name);

    /// <summary><c>mknod</c> for character and block devices (needs CAP_MKNOD) and FIFOs.</summary>
    /// <param name="path">Where to create the node.</param>
    /// <param name="mode">Type bits and permission bits.</param>
    /// <param name="device">Device number for devices (see <see cref="PosixDevice"/>).</param>
    void CreateNode(string path, uint mode, ulong device);

    /// <summary><c>rename</c>: atomically replaces <paramref name="newPath"/>.</summary>
    void Rename(string oldPath, string newPath);

    /// <summary><c>renameat2(RENAME_EXCHANGE)</c>: atomically swaps two existing paths.</summary>
    void ExchangePaths(string path1, string path2);

    /// <summary><c>fsync</c> of a file or a directory (the directory form makes renames and creations durable).</summary>
    void Sync(string path);

    /// <summary>
    /// <c>syncfs</c>: makes everything written to the file system holding <paramref name="path"/> durable at once
    /// (cheaper than an fsync per file when many were written).
    /// </summary>
    void SyncFileSystem(string path);

    /// <summary>
    /// Takes an advisory lock on the file <paramref name="path"/> (created empty when missing) without waiting:
    /// shared or exclusive, as Linux open-file-description locks (<c>F_OFD_SETLK</c>, what libostree takes), so two
    /// holders exclude each other whether they are in one process or two.
    /// </summary>
    /// <returns>The held lock (dispose to release), or null when a conflicting lock is held.</returns>
    IDisposable? TryLockFile(string path, bool exclusive);
}
