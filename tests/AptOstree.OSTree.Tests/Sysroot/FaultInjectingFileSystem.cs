using AptOstree.Posix;

namespace AptOstree.OSTree.Tests.Sysroot;

/// <summary>
/// Simulates a crash: from the <see cref="FailAt"/>-th mutating call (create, delete, link, rename, chmod, chown,
/// utimes, xattr, mknod, fsync) on, every mutating call throws EIO, so not even cleanup handlers can write.
/// </summary>
internal sealed class FaultInjectingFileSystem(IPosixFileSystem inner, int failAt) : IPosixFileSystem
{
    private int _calls;

    public int FailAt { get; } = failAt;

    public bool Triggered => Volatile.Read(ref _calls) >= FailAt;

    public int Calls => Volatile.Read(ref _calls);

    /// <remarks>
    /// Atomic: the checkout fans out over several threads, and a lost increment would make a crash run count fewer
    /// steps than the counting run did, so that its last fault points were never reached.
    /// </remarks>
    internal void Step(string path)
    {
        if (Interlocked.Increment(ref _calls) >= FailAt)
        {
            throw new PosixException("injected", path, 5, "Input/output error (injected crash)");
        }
    }

    public PosixFileStatus GetStatus(string path) => inner.GetStatus(path);

    public bool TryGetStatus(string path, out PosixFileStatus status) => inner.TryGetStatus(path, out status);

    public void CreateDirectory(string path, uint permissions)
    {
        Step(path);
        inner.CreateDirectory(path, permissions);
    }

    public Stream CreateFile(string path, uint permissions)
    {
        Step(path);
        return inner.CreateFile(path, permissions);
    }

    public Stream OpenRead(string path) => inner.OpenRead(path);

    public IPosixFileView MapRead(string path) => inner.MapRead(path);

    public IReadOnlyList<string> ListDirectory(string path) => inner.ListDirectory(path);

    /// <summary>The directory's own mutating calls count as steps too (the hardlink checkout makes its tree through them).</summary>
    public IPosixDirectory OpenDirectory(string path) => new FaultInjectingDirectory(this, inner.OpenDirectory(path));

    public void Delete(string path)
    {
        Step(path);
        inner.Delete(path);
    }

    public void CreateHardLink(string existingPath, string newPath)
    {
        Step(newPath);
        inner.CreateHardLink(existingPath, newPath);
    }

    public void CreateSymbolicLink(string target, string linkPath)
    {
        Step(linkPath);
        inner.CreateSymbolicLink(target, linkPath);
    }

    public string ReadSymbolicLink(string path) => inner.ReadSymbolicLink(path);

    public void SetOwner(string path, uint uid, uint gid)
    {
        Step(path);
        inner.SetOwner(path, uid, gid);
    }

    public void SetPermissions(string path, uint permissions)
    {
        Step(path);
        inner.SetPermissions(path, permissions);
    }

    public void SetModificationTime(string path, long seconds, uint nanoseconds)
    {
        Step(path);
        inner.SetModificationTime(path, seconds, nanoseconds);
    }

    public byte[]? GetExtendedAttribute(string path, string name) => inner.GetExtendedAttribute(path, name);

    public void SetExtendedAttribute(string path, string name, byte[] value)
    {
        Step(path);
        inner.SetExtendedAttribute(path, name, value);
    }

    public IReadOnlyList<string> ListExtendedAttributes(string path) => inner.ListExtendedAttributes(path);

    public void RemoveExtendedAttribute(string path, string name)
    {
        Step(path);
        inner.RemoveExtendedAttribute(path, name);
    }

    public void CreateNode(string path, uint mode, ulong device)
    {
        Step(path);
        inner.CreateNode(path, mode, device);
    }

    public void Rename(string oldPath, string newPath)
    {
        Step(newPath);
        inner.Rename(oldPath, newPath);
    }

    public void ExchangePaths(string path1, string path2)
    {
        Step(path1);
        inner.ExchangePaths(path1, path2);
    }

    public void Sync(string path)
    {
        Step(path);
        inner.Sync(path);
    }

    public void SyncFileSystem(string path)
    {
        Step(path);
        inner.SyncFileSystem(path);
    }

    public IDisposable? TryLockFile(string path, bool exclusive) => inner.TryLockFile(path, exclusive);
}
