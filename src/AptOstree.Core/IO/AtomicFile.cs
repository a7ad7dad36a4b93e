using AptOstree.Posix;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AptOstree;

/// <summary>
/// Writes a file so that readers see either the old content or the new, never a mix:
/// write to a temporary sibling, optionally fsync it, rename it over the target, fsync the directory.
/// </summary>
public static class AtomicFile
{
    /// <summary>Replaces <paramref name="path"/> with <paramref name="content"/>.</summary>
    /// <param name="path">The target file.</param>
    /// <param name="content">The complete new content.</param>
    /// <param name="permissions">Permission bits of the new file.</param>
    /// <param name="durable">When true, fsync the file and its directory so the change survives a crash.</param>
    /// <param name="fileSystem">The file layer; <see cref="LibcPosixFileSystem.Instance"/> by default.</param>
    public static void Write(string path, ReadOnlySpan<byte> content, uint permissions = PosixPermissions.File, bool durable = true, IPosixFileSystem? fileSystem = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        var fs = fileSystem ?? LibcPosixFileSystem.Instance;
        string tmp = TemporarySibling(path);
        try
        {
            using (var stream = fs.CreateFile(tmp, permissions))
            {
                stream.Write(content);
                if (durable && stream is FileStream fileStream)
                {
                    fileStream.Flush(flushToDisk: true);
                }
            }

            fs.Rename(tmp, path);
            if (durable)
            {
                fs.Sync(DirectoryOf(path));
            }
        }
        catch
        {
            TryDelete(fs, tmp, NullLogger.Instance);
            throw;
        }
    }

    /// <summary>Replaces <paramref name="path"/> with a UTF-8 text.</summary>
    public static void WriteText(string path, string text, uint permissions = PosixPermissions.File, bool durable = true, IPosixFileSystem? fileSystem = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        Write(path, System.Text.Encoding.UTF8.GetBytes(text), permissions, durable, fileSystem);
    }

    /// <summary>A unique temporary name beside <paramref name="path"/>, starting with <c>.tmp-</c>.</summary>
    public static string TemporarySibling(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string dir = DirectoryOf(path);
        string name = path[(path.LastIndexOf('/') + 1)..];
        return $"{dir}/.tmp-{name}-{Guid.NewGuid():N}";
    }

    /// <summary>Deletes a path if it exists, logging rather than throwing on failure.</summary>
    public static void TryDelete(IPosixFileSystem fileSystem, string path, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(fileSystem);
        try
        {
            if (fileSystem.TryGetStatus(path, out _))
            {
                fileSystem.Delete(path);
                CoreLog.RemovedStaleTemporary(logger, path);
            }
        }
        catch (PosixException ex)
        {
            CoreLog.CouldNotRemoveTemporary(logger, path, ex);
        }
    }

    private static string DirectoryOf(string path)
    {
        int slash = path.LastIndexOf('/');
        return slash switch
        {
            < 0 => ".",
            0 => "/",
            _ => path[..slash],
        };
    }
}
