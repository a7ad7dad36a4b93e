using System.Text;
using AptOstree.Posix;

namespace AptOstree.Core.Tests.Posix;

/// <summary>The same behaviour is required of the libc layer and of the in-memory fake.</summary>
public abstract class PosixFileSystemContract : IDisposable
{
    protected abstract IPosixFileSystem Fs { get; }

    protected abstract string Root { get; }

    public virtual void Dispose() => GC.SuppressFinalize(this);

    private string P(string name) => Root + "/" + name;

    private void Write(string name, string text, uint mode = 0x1A4)
    {
        using var s = Fs.CreateFile(P(name), mode);
        s.Write(Encoding.UTF8.GetBytes(text));
    }

    [Fact]
    public void HardLink_SharesInodeAndCountsLinks()
    {
        Write("a", "data");
        Fs.CreateHardLink(P("a"), P("b"));
        var a = Fs.GetStatus(P("a"));
        var b = Fs.GetStatus(P("b"));
        Assert.Equal(a.Inode, b.Inode);
        Assert.Equal(2u, b.LinkCount);
        Assert.True(b.IsRegularFile);
        Assert.Equal(4, b.Size);
    }

    [Fact]
    public void Symlink_IsNotFollowedByStatus()
    {
        Fs.CreateSymbolicLink("../nowhere/at/all", P("dangling"));
        var st = Fs.GetStatus(P("dangling"));
        Assert.True(st.IsSymbolicLink);
        Assert.Equal("../nowhere/at/all", Fs.ReadSymbolicLink(P("dangling")));
    }

    [Fact]
    public void CreateFile_FailsWhenExisting()
    {
        Write("x", "1");
        var ex = Assert.Throws<PosixException>(() => Write("x", "2"));
        Assert.True(ex.IsAlreadyExists);
    }

    [Fact]
    public void Permissions_KeepSetuidBit()
    {
        Write("suid", "x");
        Fs.SetPermissions(P("suid"), 0x9ED); // 04755
        Assert.Equal(0x9EDu, Fs.GetStatus(P("suid")).Permissions);
    }

    [Fact]
    public void ModificationTime_IsSetOnSymlinkItself()
    {
        Fs.CreateSymbolicLink("target", P("l"));
        Fs.SetModificationTime(P("l"), 1_000_000_000, 5);
        var st = Fs.GetStatus(P("l"));
        Assert.Equal(1_000_000_000, st.ModificationTimeSeconds);
    }

    [Fact]
    public void Xattrs_RoundTrip()
    {
        Write("f", "x");
        Fs.SetExtendedAttribute(P("f"), "user.ostreemeta", [1, 2, 3]);
        Assert.Equal(new byte[] { 1, 2, 3 }, Fs.GetExtendedAttribute(P("f"), "user.ostreemeta"));
        Assert.Contains("user.ostreemeta", Fs.ListExtendedAttributes(P("f")));
        Assert.Null(Fs.GetExtendedAttribute(P("f"), "user.absent"));
        Fs.RemoveExtendedAttribute(P("f"), "user.ostreemeta");
        Assert.Null(Fs.GetExtendedAttribute(P("f"), "user.ostreemeta"));
    }

    [Fact]
    public void ExchangePaths_SwapsAtomically()
    {
        Fs.CreateSymbolicLink("loader.0", P("loader"));
        Fs.CreateSymbolicLink("loader.1", P("loader.tmp"));
        Fs.ExchangePaths(P("loader"), P("loader.tmp"));
        Assert.Equal("loader.1", Fs.ReadSymbolicLink(P("loader")));
        Assert.Equal("loader.0", Fs.ReadSymbolicLink(P("loader.tmp")));
    }

    [Fact]
    public void Rename_ReplacesTarget()
    {
        Write("new", "new");
        Write("old", "old");
        Fs.Rename(P("new"), P("old"));
        Assert.False(Fs.TryGetStatus(P("new"), out _));
        using var r = new StreamReader(Fs.OpenRead(P("old")));
        Assert.Equal("new", r.ReadToEnd());
    }

    [Fact]
    public void Directories_ListAndDelete()
    {
        Fs.CreateDirectory(P("d"), 0x1ED);
        Write("d/f", "x");
        Assert.Equal(["f"], Fs.ListDirectory(P("d")));
        Assert.Throws<PosixException>(() => Fs.Delete(P("d")));
        Fs.Delete(P("d/f"));
        Fs.Delete(P("d"));
        Assert.False(Fs.TryGetStatus(P("d"), out _));
        Fs.Sync(Root);
    }

    [Fact]
    public void Fifo_CanBeCreated()
    {
        Fs.CreateNode(P("fifo"), (uint)PosixFileType.Fifo | 0x1A4, 0);
        Assert.Equal(PosixFileType.Fifo, Fs.GetStatus(P("fifo")).FileType);
    }

    [Fact]
    public void Missing_ThrowsWithErrno()
    {
        var ex = Assert.Throws<PosixException>(() => Fs.GetStatus(P("missing")));
        Assert.True(ex.IsNotFound);
        Assert.Equal(CoreErrorCodes.PosixCallFailed, ex.ErrorCode);
        Assert.Contains("missing", ex.Message, StringComparison.Ordinal);
    }
}

public sealed class LibcPosixFileSystemTests : PosixFileSystemContract
{
    private readonly string _root = Directory.CreateTempSubdirectory("aptostree-posix-").FullName;

    protected override IPosixFileSystem Fs => LibcPosixFileSystem.Instance;

    protected override string Root => _root;

    public override void Dispose()
    {
        Directory.Delete(_root, recursive: true);
        base.Dispose();
    }

    [Fact]
    public void Device_MatchesStatCommand()
    {
        string path = _root + "/f";
        File.WriteAllText(path, "x");
        var st = Fs.GetStatus(path);
        var psi = new System.Diagnostics.ProcessStartInfo("stat", ["-c", "%i %h %a %s", path]) { RedirectStandardOutput = true };
        using var p = System.Diagnostics.Process.Start(psi)!;
        string expected = p.StandardOutput.ReadToEnd().Trim();
        Assert.Equal(expected, $"{st.Inode} {st.LinkCount} {Convert.ToString(st.Permissions, 8)} {st.Size}");
    }
}

public sealed class InMemoryPosixFileSystemTests : PosixFileSystemContract
{
    private readonly InMemoryPosixFileSystem _fs = new();

    public InMemoryPosixFileSystemTests() => _fs.CreateDirectory("/t", 0x1ED);

    protected override IPosixFileSystem Fs => _fs;

    protected override string Root => "/t";
}
