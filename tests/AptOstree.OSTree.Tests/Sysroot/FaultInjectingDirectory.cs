using AptOstree.Posix;

namespace AptOstree.OSTree.Tests.Sysroot;

/// <summary>An open directory of a <see cref="FaultInjectingFileSystem"/>: its mutating calls are steps of the same crash.</summary>
internal sealed class FaultInjectingDirectory(FaultInjectingFileSystem owner, IPosixDirectory inner) : IPosixDirectory
{
    public IPosixDirectory Inner => inner;

    public string DisplayPath => inner.DisplayPath;

    public IPosixDirectory OpenDirectory(ReadOnlySpan<byte> name) => new FaultInjectingDirectory(owner, inner.OpenDirectory(name));

    public void CreateDirectory(ReadOnlySpan<byte> name, uint permissions)
    {
        owner.Step(inner.DisplayPath);
        inner.CreateDirectory(name, permissions);
    }

    public IReadOnlyList<byte[]> ListNames() => inner.ListNames();

    public PosixFileStatus GetStatus(ReadOnlySpan<byte> name) => inner.GetStatus(name);

    public bool TryGetStatus(ReadOnlySpan<byte> name, out PosixFileStatus status) => inner.TryGetStatus(name, out status);

    public Stream OpenRead(ReadOnlySpan<byte> name) => inner.OpenRead(name);

    public Stream CreateFile(ReadOnlySpan<byte> name, uint permissions)
    {
        owner.Step(inner.DisplayPath);
        return inner.CreateFile(name, permissions);
    }

    public byte[] ReadSymbolicLink(ReadOnlySpan<byte> name) => inner.ReadSymbolicLink(name);

    public void CreateSymbolicLink(ReadOnlySpan<byte> target, ReadOnlySpan<byte> name)
    {
        owner.Step(inner.DisplayPath);
        inner.CreateSymbolicLink(target, name);
    }

    public void CreateHardLink(IPosixDirectory sourceDirectory, ReadOnlySpan<byte> sourceName, ReadOnlySpan<byte> name)
    {
        owner.Step(inner.DisplayPath);
        inner.CreateHardLink(sourceDirectory is FaultInjectingDirectory wrapped ? wrapped.Inner : sourceDirectory, sourceName, name);
    }

    public void CreateNode(ReadOnlySpan<byte> name, uint mode, ulong device)
    {
        owner.Step(inner.DisplayPath);
        inner.CreateNode(name, mode, device);
    }

    public void Delete(ReadOnlySpan<byte> name)
    {
        owner.Step(inner.DisplayPath);
        inner.Delete(name);
    }

    public void SetOwner(ReadOnlySpan<byte> name, uint uid, uint gid)
    {
        owner.Step(inner.DisplayPath);
        inner.SetOwner(name, uid, gid);
    }

    public void SetPermissions(ReadOnlySpan<byte> name, uint permissions)
    {
        owner.Step(inner.DisplayPath);
        inner.SetPermissions(name, permissions);
    }

    public void SetModificationTime(ReadOnlySpan<byte> name, long seconds, uint nanoseconds)
    {
        owner.Step(inner.DisplayPath);
        inner.SetModificationTime(name, seconds, nanoseconds);
    }

    public byte[]? GetExtendedAttribute(ReadOnlySpan<byte> name, string attribute) => inner.GetExtendedAttribute(name, attribute);

    public void SetExtendedAttribute(ReadOnlySpan<byte> name, string attribute, ReadOnlySpan<byte> value)
    {
        owner.Step(inner.DisplayPath);
        inner.SetExtendedAttribute(name, attribute, value);
    }

    public IReadOnlyList<string> ListExtendedAttributes(ReadOnlySpan<byte> name) => inner.ListExtendedAttributes(name);

    public void Dispose() => inner.Dispose();
}
