using System.Text;
using AptOstree.Posix;

namespace AptOstree.Core.Tests.Posix;

/// <summary>The conveniences over <see cref="IPosixFileSystem"/> behave the same on the libc layer and on the in-memory fake.</summary>
public abstract class PosixFileSystemExtensionsContract : IDisposable
{
    protected abstract IPosixFileSystem Fs { get; }

    protected abstract string Root { get; }

    public virtual void Dispose() => GC.SuppressFinalize(this);

    private string P(string name) => Root + "/" + name;

    private void Write(string name, string text)
    {
        using var s = Fs.CreateFile(P(name), PosixPermissions.File);
        s.Write(Encoding.UTF8.GetBytes(text));
    }

    [Fact]
    public void ExistsFileExistsDirectoryExists_FollowSymlinksLikeSystemIo()
    {
        Write("file", "x");
        Fs.CreateDirectory(P("dir"), PosixPermissions.Directory);
        Fs.CreateSymbolicLink("file", P("to-file"));
        Fs.CreateSymbolicLink("dir", P("to-dir"));
        Fs.CreateSymbolicLink("missing", P("dangling"));

        Assert.True(Fs.FileExists(P("file")));
        Assert.True(Fs.FileExists(P("to-file")));
        Assert.False(Fs.FileExists(P("dir")));
        Assert.True(Fs.DirectoryExists(P("to-dir")));
        Assert.False(Fs.DirectoryExists(P("to-file")));
        Assert.False(Fs.FileExists(P("dangling")));
        Assert.True(Fs.Exists(P("dangling")));
        Assert.False(Fs.Exists(P("nothing")));
    }

    [Fact]
    public void ReadAllBytesAndText_ReadThroughSymlinksAndDropTheBom()
    {
        Fs.CreateDirectory(P("sub"), PosixPermissions.Directory);
        Write("sub/text", "\uFEFFhello\n");
        Fs.CreateSymbolicLink("sub/text", P("link"));

        Assert.Equal("hello\n", Fs.ReadAllText(P("link")));
        Assert.Equal(Encoding.UTF8.GetBytes("\uFEFFhello\n"), Fs.ReadAllBytes(P("sub/text")));
    }

    [Fact]
    public void ReadAllBytes_Missing_ThrowsPosixNotFound()
    {
        var ex = Assert.Throws<PosixException>(() => Fs.ReadAllBytes(P("missing/file")));

        Assert.True(ex.IsNotFound);
    }

    [Fact]
    public void ReadAllBytes_Directory_ThrowsPosixIsADirectory()
    {
        Fs.CreateDirectory(P("dir"), PosixPermissions.Directory);

        var ex = Assert.Throws<PosixException>(() => Fs.ReadAllBytes(P("dir")));

        Assert.Equal(PosixErrno.EISDIR, ex.Errno);
    }

    [Fact]
    public void ReadAllBytes_EmptyFile_IsEmpty()
    {
        Write("empty", string.Empty);

        Assert.Empty(Fs.ReadAllBytes(P("empty")));
    }

    [Fact]
    public void CreateDirectories_MakesParentsAndToleratesExisting()
    {
        Fs.CreateDirectories(P("a/b/c"), PosixPermissions.Directory);
        Fs.CreateDirectories(P("a/b/c/"), PosixPermissions.Directory);

        Assert.True(Fs.DirectoryExists(P("a/b/c")));
    }

    [Fact]
    public void CreateDirectories_AFileInTheWay_Throws()
    {
        Write("file", "x");

        Assert.Throws<PosixException>(() => Fs.CreateDirectories(P("file/sub"), PosixPermissions.Directory));
    }

    [Fact]
    public void DeleteIfExists_TrueOnlyWhenSomethingWasThere()
    {
        Write("file", "x");

        Assert.True(Fs.DeleteIfExists(P("file")));
        Assert.False(Fs.DeleteIfExists(P("file")));
        Assert.False(Fs.Exists(P("file")));
    }

    [Fact]
    public void EnumerateRecursively_ListsEverythingBelowWithoutEnteringSymlinks()
    {
        Fs.CreateDirectories(P("tree/b/c"), PosixPermissions.Directory);
        Write("tree/a", "1");
        Write("tree/b/c/d", "2");
        Fs.CreateSymbolicLink("b", P("tree/link"));

        var entries = Fs.EnumerateRecursively(P("tree")).Select(e => (e.Path[(Root.Length + 1)..], e.Status.FileType)).ToList();

        Assert.Equal(
            [("tree/a", PosixFileType.RegularFile), ("tree/b", PosixFileType.Directory), ("tree/link", PosixFileType.SymbolicLink), ("tree/b/c", PosixFileType.Directory), ("tree/b/c/d", PosixFileType.RegularFile)],
            entries);
        Assert.Empty(Fs.EnumerateRecursively(P("missing")));
    }

    [Fact]
    public void SetModificationTime_DateTimeOffset_KeepsSubSecondTicks()
    {
        Write("file", "x");
        var time = new DateTimeOffset(2021, 3, 4, 5, 6, 7, TimeSpan.Zero).AddTicks(1234567);

        Fs.SetModificationTime(P("file"), time);

        Assert.Equal(time, Fs.GetStatus(P("file")).ModificationTime);
    }

    [Fact]
    public void OpenRead_ThroughSymlinks_ReadsTheTargetAsOpenDoes()
    {
        Write("file", "content");
        Fs.CreateDirectory(P("dir"), PosixPermissions.Directory);
        Fs.CreateSymbolicLink("../file", P("dir/up"));
        Fs.CreateSymbolicLink("dir/up", P("chain"));
        Fs.CreateSymbolicLink("missing", P("dangling"));

        using (var reader = new StreamReader(Fs.OpenRead(P("chain"))))
        {
            Assert.Equal("content", reader.ReadToEnd());
        }

        Assert.Equal("content"u8.ToArray(), Fs.ReadAllBytes(P("chain")));
        var error = Assert.Throws<PosixException>(() => Fs.ReadAllBytes(P("dangling")));
        Assert.Equal(PosixErrno.ENOENT, error.Errno);
        Assert.Contains(P("dangling"), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CreateDirectories_ParentIsAFile_FailsAsMkdirPNamingThePath()
    {
        Write("file", "x");
        Fs.CreateDirectories(P("a/b/c"), PosixPermissions.Directory);

        var error = Assert.Throws<PosixException>(() => Fs.CreateDirectories(P("file/repo"), PosixPermissions.Directory));

        Assert.True(Fs.DirectoryExists(P("a/b/c")));
        Assert.Equal(PosixErrno.ENOTDIR, error.Errno);
        Assert.Contains(P("file/repo"), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryLockFile_SharedAndExclusive_ExcludeAsOpenFileDescriptionLocks()
    {
        string path = P("lock");

        using (var shared1 = Fs.TryLockFile(path, exclusive: false))
        using (var shared2 = Fs.TryLockFile(path, exclusive: false))
        {
            Assert.NotNull(shared1);
            Assert.NotNull(shared2);
            Assert.True(Fs.FileExists(path));
            Assert.Null(Fs.TryLockFile(path, exclusive: true));
        }

        var exclusive = Fs.TryLockFile(path, exclusive: true);
        Assert.NotNull(exclusive);
        Assert.Null(Fs.TryLockFile(path, exclusive: true));
        Assert.Null(Fs.TryLockFile(path, exclusive: false));
        exclusive.Dispose();
        using var again = Fs.TryLockFile(path, exclusive: true);
        Assert.NotNull(again);
    }
}

public sealed class LibcPosixFileSystemExtensionsTests : PosixFileSystemExtensionsContract
{
    [SkippableFact]
    public void TryLockFile_Exclusive_AnotherProcessOfdLockIsRefused()
    {
        AptOstree.Testing.ExternalTool.Require("python3");
        string path = _root + "/lock";
        const string Probe = "import fcntl, os, struct, sys\nfd = os.open(sys.argv[1], os.O_RDWR)\n"
            + "try:\n    fcntl.fcntl(fd, fcntl.F_OFD_SETLK, struct.pack('hhqqi', fcntl.F_WRLCK, 0, 0, 0, 0))\n    print('granted')\n"
            + "except OSError as e:\n    print('refused', e.errno)\n";

        using (var held = Fs.TryLockFile(path, exclusive: true))
        {
            Assert.NotNull(held);
            Assert.Equal("refused 11\n", AptOstree.Testing.ExternalTool.Output("python3", "-c", Probe, path));
        }

        Assert.Equal("granted\n", AptOstree.Testing.ExternalTool.Output("python3", "-c", Probe, path));
    }

    private readonly string _root = Directory.CreateTempSubdirectory("aptostree-posix-ext-").FullName;

    protected override IPosixFileSystem Fs => LibcPosixFileSystem.Instance;

    protected override string Root => _root;

    public override void Dispose()
    {
        Directory.Delete(_root, recursive: true);
        base.Dispose();
    }
}

public sealed class InMemoryPosixFileSystemExtensionsTests : PosixFileSystemExtensionsContract
{
    private readonly InMemoryPosixFileSystem _fs = new();

    public InMemoryPosixFileSystemExtensionsTests() => _fs.CreateDirectory("/t", PosixPermissions.Directory);

    protected override IPosixFileSystem Fs => _fs;

    protected override string Root => "/t";
}
