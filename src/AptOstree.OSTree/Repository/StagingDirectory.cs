using System.Runtime.InteropServices;
using AptOstree.Posix;

namespace AptOstree.OSTree;

/// <summary>
/// A transaction's staging directory, allocated as libostree's <c>ostree_repo_prepare_transaction</c> does:
/// <c>tmp/staging-BOOTID-XXXXXX</c>, locked through <c>tmp/staging-BOOTID-XXXXXX-lock</c> (an open-file-description
/// lock, outside the directory so it is held until the directory is gone). A staging directory of this boot that no
/// live process holds (its writer was killed) is reused, emptied first, before a new one is made; a completed
/// transaction removes its own, and <see cref="CleanUp"/> removes every staging directory no process holds.
/// </summary>
internal sealed class StagingDirectory : IDisposable
{
    private const string Prefix = "staging-";
    private const string LockSuffix = "-lock";
    private static readonly Lazy<string> CurrentBootId = new(ReadBootId);
    private readonly IPosixFileSystem _fs;
    private IDisposable? _lock;

    private StagingDirectory(IPosixFileSystem fs, string path, IDisposable lockFile)
    {
        _fs = fs;
        Path = path;
        _lock = lockFile;
    }

    /// <summary>The directory.</summary>
    public string Path { get; }

    /// <summary>The name prefix of this boot's staging directories (<c>staging-BOOTID-</c>; <c>OSTREE_BOOTID</c> overrides the boot id, as in libostree).</summary>
    public static string BootPrefix => Prefix + CurrentBootId.Value + "-";

    /// <summary>Locks an abandoned staging directory of this boot and empties it, or makes and locks a new one.</summary>
    public static StagingDirectory Allocate(IPosixFileSystem fs, string tmpDirectory)
    {
        foreach (string name in fs.ListDirectory(tmpDirectory).Where(IsStagingName).Order(StringComparer.Ordinal))
        {
            if (!name.StartsWith(BootPrefix, StringComparison.Ordinal))
            {
                continue;
            }

            string path = $"{tmpDirectory}/{name}";
            if (TryLock(fs, path) is { } held)
            {
                var reused = new StagingDirectory(fs, path, held);
                reused.Empty();
                return reused;
            }
        }

        while (true)
        {
            string path = $"{tmpDirectory}/{BootPrefix}{RandomSuffix()}";
            try
            {
                fs.CreateDirectory(path, PosixPermissions.Directory);
            }
            catch (PosixException ex) when (ex.IsAlreadyExists)
            {
                continue;
            }

            // Another process may have found and locked the new directory first; then make another.
            if (TryLock(fs, path) is { } held)
            {
                return new StagingDirectory(fs, path, held);
            }
        }
    }

    /// <summary>
    /// Removes every staging directory under <paramref name="tmpDirectory"/> that no process holds: those of other
    /// boots (their contents may never have reached the disk) and abandoned ones of this boot (this implementation
    /// does not resume from staged files), each under its lock so a process reusing it is never disturbed.
    /// </summary>
    public static void CleanUp(IPosixFileSystem fs, string tmpDirectory)
    {
        foreach (string name in fs.ListDirectory(tmpDirectory).Where(IsStagingName))
        {
            string path = $"{tmpDirectory}/{name}";
            if (TryLock(fs, path) is { } held)
            {
                new StagingDirectory(fs, path, held).Dispose();
            }
        }
    }

    /// <summary>Deletes the directory and everything in it, then its lock file, then releases the lock.</summary>
    public void Dispose()
    {
        if (_lock is null)
        {
            return;
        }

        try
        {
            if (_fs.TryGetStatus(Path, out var st) && st.IsDirectory)
            {
                Empty();
                _fs.Delete(Path);
            }

            if (_fs.TryGetStatus(Path + LockSuffix, out _))
            {
                _fs.Delete(Path + LockSuffix);
            }
        }
        catch (PosixException)
        {
            // Left for the next clean-up; never fails the transaction that is ending.
        }
        finally
        {
            _lock.Dispose();
            _lock = null;
        }
    }

    private static bool IsStagingName(string name) => name.StartsWith(Prefix, StringComparison.Ordinal) && !name.EndsWith(LockSuffix, StringComparison.Ordinal);

    /// <summary>Removes what is in the directory (staged objects are flat files, written by one transaction).</summary>
    private void Empty()
    {
        foreach (string name in _fs.ListDirectory(Path))
        {
            string entry = $"{Path}/{name}";
            if (_fs.TryGetStatus(entry, out var st) && st.IsDirectory)
            {
                new Sysroot.FileTree(_fs).DeleteRecursive(entry);
            }
            else
            {
                _fs.Delete(entry);
            }
        }
    }

    /// <summary>A non-blocking exclusive lock on <c>PATH-lock</c>; null when another process holds it or the directory is gone.</summary>
    private static IDisposable? TryLock(IPosixFileSystem fs, string path)
    {
        if (!fs.TryGetStatus(path, out var st) || !st.IsDirectory)
        {
            return null;
        }

        if (fs is not LibcPosixFileSystem)
        {
            // No file descriptors to fcntl-lock: the same exclusion, within this process (see InProcessFileLock).
            var held = InProcessFileLock.For(fs, path + LockSuffix).TryEnter(exclusive: true);
            if (held is not null && (!fs.TryGetStatus(path, out st) || !st.IsDirectory))
            {
                held.Dispose();
                return null;
            }

            return held;
        }

        // The lock file is an exception to the file-system seam: fcntl locks need a real file descriptor.
        var file = new FileStream(path + LockSuffix, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete, 1);
        var info = new LibcNative.Flock { Type = LibcNative.FWrLck, Whence = 0 };
        if (LibcNative.Fcntl((int)file.SafeFileHandle.DangerousGetHandle(), LibcNative.FOfdSetLk, ref info) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            file.Dispose();
            return errno is PosixErrno.EAGAIN or PosixErrno.EACCES
                ? null
                : throw new AptOstreeException(OstreeErrorCodes.LockFailed, $"Locking {path}{LockSuffix} failed: {Marshal.GetPInvokeErrorMessage(errno)}.");
        }

        // The directory may have been removed between the listing and the lock (another clean-up won).
        if (!fs.TryGetStatus(path, out st) || !st.IsDirectory)
        {
            file.Dispose();
            return null;
        }

        return file;
    }

    private static string RandomSuffix()
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        return string.Create(6, 0, (span, _) =>
        {
            for (int i = 0; i < span.Length; i++)
            {
                span[i] = alphabet[System.Security.Cryptography.RandomNumberGenerator.GetInt32(alphabet.Length)];
            }
        });
    }

    private static string ReadBootId()
    {
        if (Environment.GetEnvironmentVariable("OSTREE_BOOTID") is { Length: > 0 } fromEnvironment)
        {
            return fromEnvironment;
        }

        try
        {
            // /proc is the kernel's, not the repository's: read from the real file system whatever the repository's is.
            return File.ReadAllText("/proc/sys/kernel/random/boot_id").Trim();
        }
        catch (IOException)
        {
            return "unknown";
        }
        catch (UnauthorizedAccessException)
        {
            return "unknown";
        }
    }
}
