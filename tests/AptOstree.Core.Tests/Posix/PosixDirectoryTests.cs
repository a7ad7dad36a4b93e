using System.Text;
using AptOstree.Posix;

namespace AptOstree.Core.Tests.Posix;

/// <summary>
/// <see cref="IPosixDirectory"/> as the libc layer and the in-memory fake give it: the same results and the same
/// errors (exception type and errno) for the same calls, names as bytes (not UTF-8 too), nothing through a symlink.
/// </summary>
public abstract class PosixDirectoryContract : IDisposable
{
    private const int ELoop = 40;

    protected abstract IPosixFileSystem Fs { get; }

    protected abstract string Root { get; }

    public virtual void Dispose() => GC.SuppressFinalize(this);

    /// <summary>A directory of some other file system (a hard link from it must fail with EXDEV).</summary>
    protected abstract IPosixDirectory OtherFileSystemDirectory();

    private static byte[] N(string name) => Encoding.UTF8.GetBytes(name);

    private static void Write(IPosixDirectory dir, string name, string text, uint mode = 0x1A4)
    {
        using var s = dir.CreateFile(N(name), mode);
        s.Write(Encoding.UTF8.GetBytes(text));
    }

    private static string Read(IPosixDirectory dir, byte[] name)
    {
        using var r = new StreamReader(dir.OpenRead(name));
        return r.ReadToEnd();
    }

    [Fact]
    public void Entries_AreMadeListedAndReadRelativeToTheDirectory()
    {
        using var root = Fs.OpenDirectory(Root);
        Assert.Equal(Root, root.DisplayPath);
        root.CreateDirectory(N("sub"), 0x1ED);
        using var sub = root.OpenDirectory(N("sub"));
        Assert.Equal(Root + "/sub", sub.DisplayPath);
        Write(sub, "f", "data");
        sub.CreateSymbolicLink(N("../elsewhere"), N("l"));
        sub.CreateDirectory(N("d"), 0x1C0);

        Assert.Equal(["d", "f", "l"], sub.ListNames().Select(Encoding.UTF8.GetString).Order(StringComparer.Ordinal));
        Assert.Equal("data", Read(sub, N("f")));
        Assert.Equal("../elsewhere", Encoding.UTF8.GetString(sub.ReadSymbolicLink(N("l"))));
        var f = sub.GetStatus(N("f"));
        Assert.True(f.IsRegularFile);
        Assert.Equal(4, f.Size);
        Assert.Equal(f, Fs.GetStatus(Root + "/sub/f"));
        Assert.True(sub.GetStatus(N("l")).IsSymbolicLink);
        Assert.True(sub.GetStatus(N("d")).IsDirectory);
        Assert.True(sub.GetStatus([]).IsDirectory);
        Assert.Equal(Fs.GetStatus(Root + "/sub").Inode, sub.GetStatus([]).Inode);
    }

    [Fact]
    public void MissingName_FailsAsThePathCallsDo()
    {
        using var root = Fs.OpenDirectory(Root);
        var pathError = Assert.Throws<PosixException>(() => Fs.GetStatus(Root + "/missing"));
        foreach (var call in new Action[]
        {
            () => root.GetStatus(N("missing")),
            () => root.OpenDirectory(N("missing")),
            () => root.OpenRead(N("missing")),
            () => root.ReadSymbolicLink(N("missing")),
            () => root.Delete(N("missing")),
            () => root.SetOwner(N("missing"), 0, 0),
            () => root.SetPermissions(N("missing"), 0x1A4),
            () => root.SetModificationTime(N("missing"), 1, 0),
            () => root.GetExtendedAttribute(N("missing"), "user.x"),
            () => root.CreateHardLink(root, N("missing"), N("new")),
        })
        {
            var ex = Assert.Throws<PosixException>(call);
            Assert.Equal(pathError.Errno, ex.Errno);
            Assert.True(ex.IsNotFound);
            Assert.Equal(CoreErrorCodes.PosixCallFailed, ex.ErrorCode);
            Assert.Contains(Root + "/missing", ex.Message, StringComparison.Ordinal);
        }

        Assert.False(root.TryGetStatus(N("missing"), out _));
        Assert.Throws<PosixException>(() => Fs.OpenDirectory(Root + "/missing"));
    }

    [Fact]
    public void Symlinks_AreNeverFollowed()
    {
        using var root = Fs.OpenDirectory(Root);
        root.CreateDirectory(N("dir"), 0x1ED);
        Write(root, "file", "x");
        root.CreateSymbolicLink(N("dir"), N("to-dir"));
        root.CreateSymbolicLink(N("file"), N("to-file"));
        root.CreateSymbolicLink(N("/nowhere/at/all"), N("dangling"));

        Assert.Equal(PosixErrno.ENOTDIR, Assert.Throws<PosixException>(() => root.OpenDirectory(N("to-dir"))).Errno);
        Assert.Equal(PosixErrno.ENOTDIR, Assert.Throws<PosixException>(() => root.OpenDirectory(N("file"))).Errno);
        Assert.Equal(ELoop, Assert.Throws<PosixException>(() => root.OpenRead(N("to-file"))).Errno);
        Assert.Equal(PosixErrno.EISDIR, Assert.Throws<PosixException>(() =>
        {
            using var s = root.OpenRead(N("dir"));
            s.ReadByte();
        }).Errno);
        Assert.True(Assert.Throws<PosixException>(() => Write(root, "dangling", "y")).IsAlreadyExists);
        Assert.Equal(PosixErrno.EINVAL, Assert.Throws<PosixException>(() => root.ReadSymbolicLink(N("file"))).Errno);
        Assert.True(root.GetStatus(N("to-dir")).IsSymbolicLink);
        Assert.False(Fs.TryGetStatus("/nowhere/at/all", out _));

        // The link itself is linked, as linkat without AT_SYMLINK_FOLLOW does.
        root.CreateHardLink(root, N("to-file"), N("link-to-link"));
        Assert.True(root.GetStatus(N("link-to-link")).IsSymbolicLink);

        // Only the path a walk starts from may be reached through a symlink.
        using var through = Fs.OpenDirectory(Root + "/to-dir");
        Write(through, "inside", "z");
        Assert.True(Fs.GetStatus(Root + "/dir/inside").IsRegularFile);
    }

    [Fact]
    public void NamesThatAreNotUtf8_AreKeptAsTheyAre()
    {
        using var root = Fs.OpenDirectory(Root);
        byte[] cafe = [(byte)'c', (byte)'a', (byte)'f', 0xE9];
        byte[] dir = [(byte)'d', 0xFF, (byte)'x'];
        byte[] link = [0x80, (byte)'l'];
        using (var s = root.CreateFile(cafe, 0x1A4))
        {
            s.Write("latin-1"u8);
        }

        root.CreateDirectory(dir, 0x1ED);
        root.CreateSymbolicLink([0xC3, 0x28], link);
        var names = root.ListNames().Select(Convert.ToHexString).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(new[] { cafe, dir, link }.Select(Convert.ToHexString).Order(StringComparer.Ordinal), names);
        Assert.Equal("latin-1", Read(root, cafe));
        Assert.Equal(new byte[] { 0xC3, 0x28 }, root.ReadSymbolicLink(link));
        using var sub = root.OpenDirectory(dir);
        Assert.Equal(Root + "/" + TarPath.Escape(dir), sub.DisplayPath);
        Write(sub, "inner", "i");
        Assert.Equal(["inner"], sub.ListNames().Select(Encoding.UTF8.GetString));
        root.CreateHardLink(root, cafe, [.. cafe, (byte)'2']);
        Assert.Equal(2u, root.GetStatus(cafe).LinkCount);

        var ex = Assert.Throws<PosixException>(() => root.GetStatus([(byte)'n', 0xE9]));
        Assert.True(ex.IsNotFound);
        Assert.Contains(TarPath.Escape([(byte)'n', 0xE9]), ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void HardLinks_ShareTheInodeWithinOneFileSystemOnly()
    {
        using var root = Fs.OpenDirectory(Root);
        root.CreateDirectory(N("a"), 0x1ED);
        root.CreateDirectory(N("b"), 0x1ED);
        using var a = root.OpenDirectory(N("a"));
        using var b = root.OpenDirectory(N("b"));
        Write(a, "f", "shared");
        b.CreateHardLink(a, N("f"), N("g"));
        Assert.Equal(a.GetStatus(N("f")).Inode, b.GetStatus(N("g")).Inode);
        Assert.Equal(2u, b.GetStatus(N("g")).LinkCount);
        Assert.Equal("shared", Read(b, N("g")));

        Assert.True(Assert.Throws<PosixException>(() => b.CreateHardLink(a, N("f"), N("g"))).IsAlreadyExists);
        Assert.Equal(PosixErrno.EPERM, Assert.Throws<PosixException>(() => root.CreateHardLink(root, N("a"), N("a2"))).Errno);
        using var other = OtherFileSystemDirectory();
        Assert.Equal(PosixErrno.EXDEV, Assert.Throws<PosixException>(() => b.CreateHardLink(other, N("f"), N("h"))).Errno);
    }

    [Fact]
    public void Metadata_OfEntriesAndOfTheDirectoryItself()
    {
        using var root = Fs.OpenDirectory(Root);
        root.CreateDirectory(N("d"), 0x1ED);
        using var d = root.OpenDirectory(N("d"));
        Write(d, "f", "x");
        var owner = d.GetStatus(N("f"));

        // chown first: on a real system it clears setuid.
        d.SetOwner(N("f"), owner.Uid, owner.Gid);
        d.SetPermissions(N("f"), 0x9ED);
        d.SetModificationTime(N("f"), 1_000_000_000, 5);
        var f = Fs.GetStatus(Root + "/d/f");
        Assert.Equal(0x9EDu, f.Permissions);
        Assert.Equal(1_000_000_000, f.ModificationTimeSeconds);
        Assert.Equal(5u, f.ModificationTimeNanoseconds);

        d.SetPermissions([], 0x1C0);
        d.SetModificationTime([], 0, 0);
        d.SetOwner([], owner.Uid, owner.Gid);
        var self = Fs.GetStatus(Root + "/d");
        Assert.Equal(0x1C0u, self.Permissions);
        Assert.Equal(0, self.ModificationTimeSeconds);
        Assert.Equal(self, d.GetStatus([]));

        d.SetExtendedAttribute(N("f"), "user.ostreemeta", [1, 2, 3]);
        d.SetExtendedAttribute([], "user.dir", "D"u8);
        Assert.Equal(new byte[] { 1, 2, 3 }, d.GetExtendedAttribute(N("f"), "user.ostreemeta"));
        Assert.Equal(new byte[] { 1, 2, 3 }, Fs.GetExtendedAttribute(Root + "/d/f", "user.ostreemeta"));
        Assert.Equal("D"u8.ToArray(), Fs.GetExtendedAttribute(Root + "/d", "user.dir"));
        Assert.Equal("D"u8.ToArray(), d.GetExtendedAttribute([], "user.dir"));
        Assert.Contains("user.ostreemeta", d.ListExtendedAttributes(N("f")));
        Assert.Contains("user.dir", d.ListExtendedAttributes([]));
        Assert.Null(d.GetExtendedAttribute(N("f"), "user.absent"));

        var large = new byte[3000];
        new Random(7).NextBytes(large);
        d.SetExtendedAttribute(N("f"), "user.large", large);
        Assert.Equal(large, d.GetExtendedAttribute(N("f"), "user.large"));
    }

    [Fact]
    public void Delete_RemovesFilesAndEmptyDirectoriesOnly()
    {
        using var root = Fs.OpenDirectory(Root);
        root.CreateDirectory(N("d"), 0x1ED);
        using (var d = root.OpenDirectory(N("d")))
        {
            Write(d, "f", "x");
        }

        Assert.Equal(PosixErrno.ENOTEMPTY, Assert.Throws<PosixException>(() => root.Delete(N("d"))).Errno);
        using (var d = root.OpenDirectory(N("d")))
        {
            d.Delete(N("f"));
        }

        root.Delete(N("d"));
        root.CreateNode(N("fifo"), (uint)PosixFileType.Fifo | 0x1A4, 0);
        Assert.Equal(PosixFileType.Fifo, root.GetStatus(N("fifo")).FileType);
        root.Delete(N("fifo"));
        Assert.Empty(root.ListNames());
    }

    [Theory]
    [InlineData("a/b")]
    [InlineData("")]
    [InlineData("nul\0")]
    public void NamesOfMoreOrLessThanOneComponent_AreRefused(string name)
    {
        using var root = Fs.OpenDirectory(Root);
        Assert.Throws<ArgumentException>(() => root.OpenDirectory(N(name)));
        Assert.Throws<ArgumentException>(() => root.CreateFile(N(name), 0x1A4));
        Assert.Throws<ArgumentException>(() => root.Delete(N(name)));
    }

    [Fact]
    public void MapRead_GivesTheBytesOfARegularFileOnly()
    {
        var bytes = new byte[100_000];
        new Random(3).NextBytes(bytes);
        using (var s = Fs.CreateFile(Root + "/big", 0x1A4))
        {
            s.Write(bytes);
        }

        using (Fs.CreateFile(Root + "/empty", 0x1A4))
        {
        }

        Fs.CreateSymbolicLink("big", Root + "/link");
        using (var view = Fs.MapRead(Root + "/big"))
        {
            Assert.True(view.Span.SequenceEqual(bytes));
        }

        using (var view = Fs.MapRead(Root + "/empty"))
        {
            Assert.Equal(0, view.Span.Length);
        }

        Assert.Equal(ELoop, Assert.Throws<PosixException>(() => Fs.MapRead(Root + "/link")).Errno);
        Assert.Equal(PosixErrno.EISDIR, Assert.Throws<PosixException>(() => Fs.MapRead(Root)).Errno);
        Assert.True(Assert.Throws<PosixException>(() => Fs.MapRead(Root + "/missing")).IsNotFound);
    }
}

public sealed class LibcPosixDirectoryTests : PosixDirectoryContract
{
    private readonly string _root = Directory.CreateTempSubdirectory("aptostree-posixdir-").FullName;

    protected override IPosixFileSystem Fs => LibcPosixFileSystem.Instance;

    protected override string Root => _root;

    public override void Dispose()
    {
        // Directory.Delete cannot name entries that are not UTF-8; the directory handle can.
        using (var root = Fs.OpenDirectory(_root))
        {
            DeleteContents(root);
        }

        Fs.Delete(_root);
        base.Dispose();
    }

    protected override IPosixDirectory OtherFileSystemDirectory() => new InMemoryPosixFileSystem().OpenDirectory("/");

    private static void DeleteContents(IPosixDirectory directory)
    {
        foreach (var name in directory.ListNames())
        {
            if (directory.GetStatus(name).IsDirectory)
            {
                using var child = directory.OpenDirectory(name);
                DeleteContents(child);
            }

            directory.Delete(name);
        }
    }

    [Fact]
    public void XattrsThroughProcPaths_MatchGetxattrat()
    {
        using var root = Fs.OpenDirectory(Root);
        using (var s = root.CreateFile("f"u8, 0x1A4))
        {
            s.WriteByte(1);
        }

        root.SetExtendedAttribute("f"u8, "user.a", [9, 8, 7]);
        var viaAt = root.GetExtendedAttribute("f"u8, "user.a");
        PosixDirectoryHandle.GetxattrAtDisabled = true;
        try
        {
            Assert.Equal(viaAt, root.GetExtendedAttribute("f"u8, "user.a"));
            Assert.Null(root.GetExtendedAttribute("f"u8, "user.b"));
        }
        finally
        {
            PosixDirectoryHandle.GetxattrAtDisabled = false;
        }
    }
}

public sealed class InMemoryPosixDirectoryTests : PosixDirectoryContract
{
    private readonly InMemoryPosixFileSystem _fs = new();

    public InMemoryPosixDirectoryTests() => _fs.CreateDirectory("/work", 0x1ED);

    protected override IPosixFileSystem Fs => _fs;

    protected override string Root => "/work";

    protected override IPosixDirectory OtherFileSystemDirectory() => LibcPosixFileSystem.Instance.OpenDirectory("/");
}
