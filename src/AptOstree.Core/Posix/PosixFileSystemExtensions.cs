using System.Text;

namespace AptOstree.Posix;

/// <summary>
/// Conveniences over <see cref="IPosixFileSystem"/> that System.IO offers for the real disk (exists, read all,
/// create directories, delete if present, recursive listing), so code that takes a file system never needs
/// <see cref="File"/> or <see cref="Directory"/>. Atomic writes (temporary sibling, fsync, rename) are
/// <see cref="AtomicFile.Write"/>. Failures throw <see cref="PosixException"/>, whatever the implementation.
/// </summary>
public static class PosixFileSystemExtensions
{
    /// <summary>How many symbolic links <see cref="ResolveSymbolicLinks"/> follows before it gives up (<c>MAXSYMLINKS</c>).</summary>
    private const int MaxSymbolicLinks = 40;

    /// <summary>True when something (of any type, a dangling symlink included) is at <paramref name="path"/>.</summary>
    public static bool Exists(this IPosixFileSystem fileSystem, string path)
    {
        ArgumentNullException.ThrowIfNull(fileSystem);
        return fileSystem.TryGetStatus(path, out _);
    }

    /// <summary>True when <paramref name="path"/> is a regular file, or a symlink to one (like <see cref="File.Exists"/>).</summary>
    public static bool FileExists(this IPosixFileSystem fileSystem, string path) =>
        TryGetTargetStatus(fileSystem, path, out var status) && status.IsRegularFile;

    /// <summary>True when <paramref name="path"/> is a directory, or a symlink to one (like <see cref="Directory.Exists"/>).</summary>
    public static bool DirectoryExists(this IPosixFileSystem fileSystem, string path) =>
        TryGetTargetStatus(fileSystem, path, out var status) && status.IsDirectory;

    /// <summary><c>stat</c>: the status of what <paramref name="path"/> names after its final symlinks; false when nothing is there.</summary>
    public static bool TryGetTargetStatus(this IPosixFileSystem fileSystem, string path, out PosixFileStatus status)
    {
        ArgumentNullException.ThrowIfNull(fileSystem);
        ArgumentNullException.ThrowIfNull(path);
        for (int i = 0; i <= MaxSymbolicLinks; i++)
        {
            if (!fileSystem.TryGetStatus(path, out status))
            {
                return false;
            }

            if (!status.IsSymbolicLink)
            {
                return true;
            }

            path = LinkTargetPath(path, fileSystem.ReadSymbolicLink(path));
        }

        status = default;
        return false;
    }

    /// <summary>
    /// <paramref name="path"/> with its final component's symlinks followed (relative targets resolve against the
    /// link's directory); <paramref name="path"/> itself when it is no symlink or does not exist.
    /// </summary>
    /// <exception cref="PosixException">More than 40 links in a row (<c>ELOOP</c>).</exception>
    public static string ResolveSymbolicLinks(this IPosixFileSystem fileSystem, string path)
    {
        ArgumentNullException.ThrowIfNull(fileSystem);
        ArgumentNullException.ThrowIfNull(path);
        string original = path;
        for (int i = 0; i <= MaxSymbolicLinks; i++)
        {
            if (!fileSystem.TryGetStatus(path, out var status) || !status.IsSymbolicLink)
            {
                return path;
            }

            path = LinkTargetPath(path, fileSystem.ReadSymbolicLink(path));
        }

        throw new PosixException("open", original, 40, "Too many levels of symbolic links");
    }

    /// <summary>The whole content of a file (following symlinks, like <see cref="File.ReadAllBytes"/>).</summary>
    /// <exception cref="PosixException">Missing (<see cref="PosixException.IsNotFound"/>), unreadable, or a directory.</exception>
    public static byte[] ReadAllBytes(this IPosixFileSystem fileSystem, string path)
    {
        ArgumentNullException.ThrowIfNull(fileSystem);
        try
        {
            // OpenRead follows a symlink in the last component, as open(2) does.
            using var stream = fileSystem.OpenRead(path);
            long length = stream.CanSeek ? stream.Length : 0;
            if (length > 0 && length <= Array.MaxLength)
            {
                // As File.ReadAllBytes: the size stat reports, less if the file shrank meanwhile.
                byte[] content = new byte[length];
                int read = stream.ReadAtLeast(content, content.Length, throwOnEndOfStream: false);
                return read == content.Length ? content : content[..read];
            }

            // Unknown size (a pipe, or a /proc-like file that reports 0): read to the end.
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            return copy.ToArray();
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            // LibcPosixFileSystem.OpenRead is a FileStream: its failures are System.IO exceptions.
            throw new PosixException("open", path, PosixErrno.ENOENT, "No such file or directory");
        }
        catch (UnauthorizedAccessException)
        {
            // FileStream reports opening a directory as an access failure too.
            throw TryGetTargetStatus(fileSystem, path, out var status) && status.IsDirectory
                ? new PosixException("open", path, PosixErrno.EISDIR, "Is a directory")
                : new PosixException("open", path, PosixErrno.EACCES, "Permission denied");
        }
    }

    /// <summary>The content of a UTF-8 text file (a byte order mark is dropped, as <see cref="File.ReadAllText(string)"/> does).</summary>
    /// <exception cref="PosixException">Missing, unreadable, or a directory.</exception>
    public static string ReadAllText(this IPosixFileSystem fileSystem, string path)
    {
        byte[] bytes = ReadAllBytes(fileSystem, path);
        ReadOnlySpan<byte> span = bytes;
        if (span.StartsWith("\uFEFF"u8))
        {
            span = span[3..];
        }

        return Encoding.UTF8.GetString(span);
    }

    /// <summary><c>mkdir -p</c>: creates <paramref name="path"/> and any missing parents; existing directories (or symlinks to them) are fine.</summary>
    /// <exception cref="PosixException">A component exists and is no directory, or a creation failed.</exception>
    public static void CreateDirectories(this IPosixFileSystem fileSystem, string path, uint permissions)
    {
        ArgumentNullException.ThrowIfNull(fileSystem);
        ArgumentException.ThrowIfNullOrEmpty(path);
        string trimmed = path.Length > 1 ? path.TrimEnd('/') : path;
        if (trimmed.Length == 0 || DirectoryExists(fileSystem, trimmed))
        {
            return;
        }

        // As mkdir -p: the path itself first, so a parent that is not a directory fails naming the path (ENOTDIR);
        // the parents only when it is missing (ENOENT).
        int slash = trimmed.LastIndexOf('/');
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                fileSystem.CreateDirectory(trimmed, permissions);
                return;
            }
            catch (PosixException ex) when (ex.IsAlreadyExists && DirectoryExists(fileSystem, trimmed))
            {
                // Created concurrently by another writer.
                return;
            }
            catch (PosixException ex) when (ex.IsNotFound && slash > 0 && attempt == 0)
            {
                CreateDirectories(fileSystem, trimmed[..slash], permissions);
            }
        }
    }

    /// <summary>Deletes a file, symlink or empty directory if there is one; true when something was deleted.</summary>
    /// <exception cref="PosixException">It exists and cannot be deleted.</exception>
    public static bool DeleteIfExists(this IPosixFileSystem fileSystem, string path)
    {
        ArgumentNullException.ThrowIfNull(fileSystem);
        if (!fileSystem.TryGetStatus(path, out _))
        {
            return false;
        }

        try
        {
            fileSystem.Delete(path);
            return true;
        }
        catch (PosixException ex) when (ex.IsNotFound)
        {
            // Deleted concurrently.
            return false;
        }
    }

    /// <summary>
    /// Every entry below <paramref name="directory"/> (not the directory itself), parents before their children, each
    /// directory's entries in ordinal name order; symlinks to directories are listed but not entered. Nothing when
    /// <paramref name="directory"/> is no directory.
    /// </summary>
    public static IEnumerable<(string Path, PosixFileStatus Status)> EnumerateRecursively(this IPosixFileSystem fileSystem, string directory)
    {
        ArgumentNullException.ThrowIfNull(fileSystem);
        ArgumentNullException.ThrowIfNull(directory);
        return Walk(fileSystem, directory.Length > 1 ? directory.TrimEnd('/') : directory);
    }

    /// <summary>Sets the modification time (and access time) of <paramref name="path"/> to <paramref name="time"/>.</summary>
    public static void SetModificationTime(this IPosixFileSystem fileSystem, string path, DateTimeOffset time)
    {
        ArgumentNullException.ThrowIfNull(fileSystem);
        long ticks = time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        long seconds = Math.DivRem(ticks, TimeSpan.TicksPerSecond, out long remainder);
        if (remainder < 0)
        {
            seconds--;
            remainder += TimeSpan.TicksPerSecond;
        }

        fileSystem.SetModificationTime(path, seconds, (uint)(remainder * 100));
    }

    private static IEnumerable<(string Path, PosixFileStatus Status)> Walk(IPosixFileSystem fileSystem, string directory)
    {
        if (!DirectoryExists(fileSystem, directory))
        {
            yield break;
        }

        var pending = new Stack<string>();
        pending.Push(directory);
        while (pending.Count > 0)
        {
            string current = pending.Pop();
            IReadOnlyList<string> names;
            try
            {
                names = fileSystem.ListDirectory(current);
            }
            catch (PosixException ex) when (ex.IsNotFound)
            {
                continue;
            }

            var subdirectories = new List<string>();
            foreach (string name in names.Order(StringComparer.Ordinal))
            {
                string path = current == "/" ? "/" + name : current + "/" + name;
                if (!fileSystem.TryGetStatus(path, out var status))
                {
                    continue;
                }

                yield return (path, status);
                if (status.IsDirectory)
                {
                    subdirectories.Add(path);
                }
            }

            for (int i = subdirectories.Count - 1; i >= 0; i--)
            {
                pending.Push(subdirectories[i]);
            }
        }
    }

    private static string LinkTargetPath(string linkPath, string target)
    {
        if (target.StartsWith('/'))
        {
            return Path.GetFullPath(target);
        }

        int slash = linkPath.LastIndexOf('/');
        string directory = slash switch
        {
            < 0 => ".",
            0 => "/",
            _ => linkPath[..slash],
        };
        return Path.GetFullPath(target, Path.IsPathRooted(directory) ? directory : Path.GetFullPath(directory));
    }
}
