namespace AptOstree.Posix;

/// <summary>
/// An open directory of an <see cref="IPosixFileSystem"/> whose entries are reached by name relative to it
/// (<c>openat</c>, <c>fstatat</c>, <c>linkat</c>, …): a tree is walked however deep it is (no path ever reaches
/// PATH_MAX), a directory renamed meanwhile stays the one opened, and names are bytes, so names that are not UTF-8 are
/// seen and made as they are. Nothing follows a symlink in the last component. Open one with
/// <see cref="IPosixFileSystem.OpenDirectory"/>.
/// </summary>
/// <remarks>
/// <para>
/// A name is one component: not empty, no <c>/</c>, no NUL (else <see cref="ArgumentException"/>). The members that
/// read or change an inode's metadata (status, owner, permissions, times, extended attributes) also take the empty name,
/// which means the directory itself (as <c>AT_EMPTY_PATH</c> does).
/// </para>
/// <para>
/// Failures throw <see cref="PosixException"/> with the errno the path-based <see cref="IPosixFileSystem"/> calls
/// give for the same situation (ENOENT, EEXIST, ENOTDIR, ELOOP for a symlink opened as a file, …), naming the entry as
/// <see cref="DisplayPath"/><c>/name</c> with bytes that are not UTF-8 escaped. Calls may run concurrently from several
/// threads; <see cref="IDisposable.Dispose"/> must come after all of them.
/// </para>
/// </remarks>
public interface IPosixDirectory : IDisposable
{
    /// <summary>The directory's path for messages (names that are not UTF-8 escaped).</summary>
    string DisplayPath { get; }

    /// <summary>Opens the subdirectory <paramref name="name"/> (ENOTDIR when it is anything else, a symlink included).</summary>
    IPosixDirectory OpenDirectory(ReadOnlySpan<byte> name);

    /// <summary><c>mkdirat</c> with the given permission bits (subject to the umask on a real system).</summary>
    void CreateDirectory(ReadOnlySpan<byte> name, uint permissions);

    /// <summary>The names of the entries (without <c>.</c> and <c>..</c>), in no particular order.</summary>
    IReadOnlyList<byte[]> ListNames();

    /// <summary><c>fstatat(AT_SYMLINK_NOFOLLOW)</c>: the status of the entry itself (the empty name: this directory).</summary>
    PosixFileStatus GetStatus(ReadOnlySpan<byte> name);

    /// <summary>Like <see cref="GetStatus"/>, but false instead of an exception when the entry does not exist.</summary>
    bool TryGetStatus(ReadOnlySpan<byte> name, out PosixFileStatus status);

    /// <summary>
    /// Opens the regular file <paramref name="name"/> for reading: ELOOP for a symlink; EISDIR for a directory, when
    /// opened or at the latest at the first read (a real system opens a directory and refuses to read it).
    /// </summary>
    Stream OpenRead(ReadOnlySpan<byte> name);

    /// <summary>Creates a new regular file (EEXIST if anything is there, a dangling symlink included) and opens it for writing.</summary>
    Stream CreateFile(ReadOnlySpan<byte> name, uint permissions);

    /// <summary><c>readlinkat</c>: the symlink's text as bytes (EINVAL when the entry is not a symlink).</summary>
    byte[] ReadSymbolicLink(ReadOnlySpan<byte> name);

    /// <summary><c>symlinkat</c>: a symlink <paramref name="name"/> whose text is <paramref name="target"/>.</summary>
    void CreateSymbolicLink(ReadOnlySpan<byte> target, ReadOnlySpan<byte> name);

    /// <summary>
    /// <c>linkat</c> without following: <paramref name="name"/> here becomes a new name of the inode
    /// <paramref name="sourceName"/> in <paramref name="sourceDirectory"/> (EXDEV when that directory belongs to another
    /// file system, EPERM for a directory).
    /// </summary>
    void CreateHardLink(IPosixDirectory sourceDirectory, ReadOnlySpan<byte> sourceName, ReadOnlySpan<byte> name);

    /// <summary><c>mknodat</c> for character and block devices (needs CAP_MKNOD) and FIFOs.</summary>
    void CreateNode(ReadOnlySpan<byte> name, uint mode, ulong device);

    /// <summary><c>unlinkat</c> for files, <c>unlinkat(AT_REMOVEDIR)</c> for empty directories.</summary>
    void Delete(ReadOnlySpan<byte> name);

    /// <summary><c>fchownat(AT_SYMLINK_NOFOLLOW)</c> (the empty name: <c>fchown</c> of this directory).</summary>
    void SetOwner(ReadOnlySpan<byte> name, uint uid, uint gid);

    /// <summary><c>fchmodat</c> of the permission bits (07777) of a non-symlink (the empty name: <c>fchmod</c> of this directory).</summary>
    void SetPermissions(ReadOnlySpan<byte> name, uint permissions);

    /// <summary>
    /// <c>utimensat(AT_SYMLINK_NOFOLLOW)</c>: sets the modification time and the access time to the same (the empty
    /// name: <c>futimens</c> of this directory).
    /// </summary>
    void SetModificationTime(ReadOnlySpan<byte> name, long seconds, uint nanoseconds);

    /// <summary>The extended attribute <paramref name="attribute"/> of the entry itself; null when it is absent.</summary>
    byte[]? GetExtendedAttribute(ReadOnlySpan<byte> name, string attribute);

    /// <summary>Sets an extended attribute on the entry itself (not a symlink's target).</summary>
    void SetExtendedAttribute(ReadOnlySpan<byte> name, string attribute, ReadOnlySpan<byte> value);

    /// <summary>The entry's extended attribute names in the order the file system gives them (none where it has no xattrs).</summary>
    IReadOnlyList<string> ListExtendedAttributes(ReadOnlySpan<byte> name);
}
