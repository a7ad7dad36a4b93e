using System.Collections.Concurrent;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using AptOstree.Posix;

namespace AptOstree.OSTree;

/// <summary>
/// A write transaction: objects are written into a locked staging directory under <c>tmp/</c> (see
/// <see cref="StagingDirectory"/>) and renamed into <c>objects/</c> by <see cref="Complete"/> (after a syncfs when
/// fsync is on), so readers and a crash never see a half-written object; a killed transaction's directory is reused
/// or removed by later ones. Holds the shared repository lock for its lifetime.
/// </summary>
internal sealed class RepositoryTransaction : IDisposable
{
    private const int BufferSize = 128 * 1024;
    private readonly OstreeRepository _repo;
    private readonly IPosixFileSystem _fs;
    private readonly RepositoryLock _lock;
    private readonly StagingDirectory _stagingDirectory;
    private readonly string _staging;
    private readonly ConcurrentDictionary<ObjectName, string> _staged = new();
    private int _counter;
    private bool _completed;

    public RepositoryTransaction(OstreeRepository repository)
    {
        _repo = repository;
        _fs = repository.FileSystem;
        _lock = RepositoryLock.Acquire(repository, exclusive: false);
        try
        {
            _stagingDirectory = StagingDirectory.Allocate(_fs, Path.Combine(repository.Path, "tmp"));
        }
        catch
        {
            _lock.Dispose();
            throw;
        }

        _staging = _stagingDirectory.Path;
    }

    public OstreeRepository Repository => _repo;

    /// <summary>Number of content objects actually written (not already present).</summary>
    public int ContentObjectsWritten => _contentWritten;

    private int _contentWritten;

    public bool Has(Checksum checksum, ObjectType type) =>
        _staged.ContainsKey(new ObjectName(checksum, type)) || _repo.Objects.Contains(checksum, type);

    public Checksum WriteMetadata(ObjectType type, byte[] data, Checksum? expected = null)
    {
        var checksum = type == ObjectType.CommitMeta && expected is Checksum commit ? commit : Checksum.Compute(data);
        if (expected is Checksum e && e != checksum)
        {
            throw new ChecksumMismatchException(ObjectStore.Name(e, type), e, checksum);
        }

        var name = new ObjectName(checksum, type);
        if (type != ObjectType.CommitMeta && Has(checksum, type))
        {
            return checksum;
        }

        string tmp = NextTemp();
        using (var stream = _fs.CreateFile(tmp, PosixPermissions.File))
        {
            stream.Write(data);
        }

        Stage(name, tmp);
        return checksum;
    }

    /// <summary>Writes a content object; <paramref name="content"/> null means a symlink (target in the header).</summary>
    public Checksum WriteContent(FileHeader header, Stream? content, long size, Checksum? expected = null)
    {
        header.Validate("content object");
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(header.SerializeForChecksum());
        string tmp = NextTemp();
        try
        {
            if (header.IsRegularFile)
            {
                WriteRegular(header, content ?? Stream.Null, size, hash, tmp);
            }
            else
            {
                WriteSymlink(header, tmp);
            }

            var checksum = Checksum.FromHash(hash);
            if (expected is Checksum e && e != checksum)
            {
                throw new ChecksumMismatchException(ObjectStore.Name(e, ObjectType.File), e, checksum);
            }

            if (Has(checksum, ObjectType.File))
            {
                _fs.Delete(tmp);
                return checksum;
            }

            Interlocked.Increment(ref _contentWritten);
            Stage(new ObjectName(checksum, ObjectType.File), tmp);
            return checksum;
        }
        catch
        {
            if (_fs.TryGetStatus(tmp, out _))
            {
                _fs.Delete(tmp);
            }

            throw;
        }
    }

    /// <summary>Moves every staged object into <c>objects/</c>, durably when fsync is on.</summary>
    public void Complete()
    {
        if (_repo.Fsync && !_staged.IsEmpty)
        {
            if (_fs is LibcPosixFileSystem)
            {
                // One syncfs for every staged file instead of an fsync each (as libostree does).
                LibcNative.SyncFileSystem(_staging);
            }
            else
            {
                foreach (var tmp in _staged.Values)
                {
                    _fs.Sync(tmp);
                }
            }
        }

        var dirs = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, tmp) in _staged)
        {
            string final = _repo.Objects.GetLoosePath(name.Checksum, name.Type);
            string dir = final[..final.LastIndexOf('/')];
            if (dirs.Add(dir) && !_fs.DirectoryExists(dir))
            {
                try
                {
                    _fs.CreateDirectory(dir, PosixPermissions.All);
                }
                catch (PosixException ex) when (ex.IsAlreadyExists)
                {
                    // Made by a concurrent writer.
                }
            }

            _fs.Rename(tmp, final);
        }

        if (_repo.Fsync && !_staged.IsEmpty)
        {
            foreach (var dir in dirs)
            {
                _fs.Sync(dir);
            }
        }

        _staged.Clear();
        _completed = true;
    }

    public void Dispose()
    {
        try
        {
            _stagingDirectory.Dispose();
            if (_completed)
            {
                // As libostree's commit_transaction: staging directories abandoned by killed writers go now.
                StagingDirectory.CleanUp(_fs, Path.Combine(_repo.Path, "tmp"));
            }
        }
        catch (Exception ex) when (ex is IOException or PosixException or AptOstreeException)
        {
            // Clean-up never fails a transaction; the next one tries again.
        }
        finally
        {
            _lock.Dispose();
        }
    }

    private string NextTemp() => $"{_staging}/{Interlocked.Increment(ref _counter)}";

    private void Stage(ObjectName name, string tmp)
    {
        if (!_staged.TryAdd(name, tmp))
        {
            _fs.Delete(tmp);
        }
    }

    private void WriteRegular(FileHeader header, Stream content, long size, IncrementalHash hash, string tmp)
    {
        var mode = _repo.Mode;
        if (mode == RepoMode.BareUserOnly && (header.Mode & UnixMode.PermissionMask & ~UnixMode.UserOnlyPermissionMask) != 0)
        {
            throw new AptOstreeException(OstreeErrorCodes.UnsupportedMode, $"Content object with mode 0{Convert.ToString(header.Mode, 8)} has bits (setuid, setgid, sticky or o+w) that bare-user-only repositories cannot store; commit with canonical permissions.");
        }

        byte[] buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(BufferSize);
        long total = 0;
        try
        {
            using (var file = _fs.CreateFile(tmp, PosixPermissions.File))
            {
                Stream sink = file;
                if (mode == RepoMode.Archive)
                {
                    file.Write(header.SerializeArchiveHeader((ulong)size));
                    sink = new DeflateStream(file, new ZLibCompressionOptions { CompressionLevel = _repo.ZlibLevel }, leaveOpen: true);
                }

                int n;
                while ((n = content.Read(buffer, 0, BufferSize)) > 0)
                {
                    hash.AppendData(buffer, 0, n);
                    sink.Write(buffer, 0, n);
                    total += n;
                }

                if (!ReferenceEquals(sink, file))
                {
                    sink.Dispose();
                    if (total == 0)
                    {
                        // .NET emits nothing for an empty DEFLATE stream; zlib emits an empty final block.
                        file.Write([0x03, 0x00]);
                    }
                }
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }

        if (total != size)
        {
            throw new AptOstreeException(OstreeErrorCodes.InvalidObject, $"Content stream had {total} bytes, {size} were announced.");
        }

        switch (mode)
        {
            case RepoMode.Bare:
                _fs.SetOwner(tmp, header.Uid, header.Gid);
                _fs.SetPermissions(tmp, header.Mode & UnixMode.PermissionMask);
                foreach (var x in header.Xattrs)
                {
                    _fs.SetExtendedAttribute(tmp, x.Name, x.Value);
                }

                _fs.SetModificationTime(tmp, 0, 0);
                break;
            case RepoMode.BareUser:
                // The xattr before the mode: an unprivileged writer may not set xattrs on a file it cannot write (0444).
                _fs.SetExtendedAttribute(tmp, "user.ostreemeta", header.SerializeUserMeta());
                _fs.SetPermissions(tmp, (header.Mode & UnixMode.UserOnlyPermissionMask) | UnixMode.OwnerRead);
                _fs.SetModificationTime(tmp, 0, 0);
                break;
            case RepoMode.BareUserOnly:
                _fs.SetPermissions(tmp, header.Mode & UnixMode.PermissionMask);
                _fs.SetModificationTime(tmp, 0, 0);
                break;
            case RepoMode.Archive:
                break;
            default:
                throw new AptOstreeException(OstreeErrorCodes.UnsupportedMode, $"Cannot write into a {mode.ToConfigString()} repository.");
        }
    }

    private void WriteSymlink(FileHeader header, string tmp)
    {
        switch (_repo.Mode)
        {
            case RepoMode.Bare:
                _fs.CreateSymbolicLink(header.SymlinkTarget, tmp);
                _fs.SetOwner(tmp, header.Uid, header.Gid);
                foreach (var x in header.Xattrs)
                {
                    _fs.SetExtendedAttribute(tmp, x.Name, x.Value);
                }

                break;
            case RepoMode.BareUserOnly:
                _fs.CreateSymbolicLink(header.SymlinkTarget, tmp);
                break;
            case RepoMode.BareUser:
                using (var file = _fs.CreateFile(tmp, PosixPermissions.File))
                {
                    file.Write(Encoding.UTF8.GetBytes(header.SymlinkTarget));
                    file.WriteByte(0);
                }

                _fs.SetExtendedAttribute(tmp, "user.ostreemeta", header.SerializeUserMeta());
                break;
            case RepoMode.Archive:
                using (var file = _fs.CreateFile(tmp, PosixPermissions.File))
                {
                    file.Write(header.SerializeArchiveHeader(0));
                }

                break;
            default:
                throw new AptOstreeException(OstreeErrorCodes.UnsupportedMode, $"Cannot write into a {_repo.Mode.ToConfigString()} repository.");
        }
    }
}
