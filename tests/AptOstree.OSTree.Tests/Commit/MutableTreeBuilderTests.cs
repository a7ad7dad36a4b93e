using System.Text;
using AptOstree.Deb;
using AptOstree.Posix;
using AptOstree.Testing;

namespace AptOstree.OSTree.Tests.Commit;

/// <summary>
/// Import and commit as separate steps: trees built from directories, tar streams, a .deb's data entries and
/// commits, through one transaction, compared with what <c>ostree commit</c> makes of the same input.
/// </summary>
public sealed class MutableTreeBuilderTests : IDisposable
{
    private static readonly DateTimeOffset Time = DateTimeOffset.FromUnixTimeSeconds(OstreeTestTrees.Timestamp);
    private readonly TempDirectory _tmp = new("ostree-builder-");

    public void Dispose() => _tmp.Dispose();

    [SkippableFact]
    public void ImportTar_BinaryXattrValue_SameCommitAndBytesAsOstree()
    {
        ExternalTool.Require("ostree", "tar");
        var source = _tmp.Combine("src");
        Directory.CreateDirectory(source);
        var file = Path.Combine(source, "f");
        File.WriteAllText(file, "content\n");
        try
        {
            LibcPosixFileSystem.Instance.SetExtendedAttribute(file, "user.bin", [0x01, 0xFF, 0x80, 0xC3]);
        }
        catch (AptOstreeException ex)
        {
            Skip.If(true, $"{_tmp.Path} does not take user.* xattrs: {ex.Message}");
        }

        var tar = _tmp.Combine("x.tar");
        ExternalTool.Run("tar", ["--xattrs", "--xattrs-include=*", "--format=pax", "-cf", tar, "-C", source, "."]).EnsureSuccess("tar -c");
        var refRepo = _tmp.Combine("ref");
        OstreeTestTrees.Ostree("init", "--repo=" + refRepo, "--mode=archive");
        var expected = OstreeTestTrees.Ostree("--repo=" + refRepo, "commit", "--no-bindings", "--timestamp=" + OstreeTestTrees.OstreeTimestamp, "-b", "t", "--tree=tar=" + tar).Trim();

        var repo = OstreeRepository.Create(_tmp.Combine("ours"), RepoMode.Archive);
        using (var stream = File.OpenRead(tar))
        {
            Assert.Equal(expected, repo.CommitTar(stream, new CommitOptions { Branch = "t", NoBindings = true, Timestamp = Time }).ToString());
        }

        var ours = OstreeTestTrees.Ostree("--repo=" + repo.Path, "ls", "-X", "t", "/f");
        Assert.Equal(OstreeTestTrees.Ostree("--repo=" + refRepo, "ls", "-X", "t", "/f"), ours);
        Assert.Contains("(b'user.bin', [byte 0x01, 0xff, 0x80, 0xc3])", ours, StringComparison.Ordinal);
    }

    [SkippableTheory]
    [InlineData("hello")]
    [InlineData("coreutils")]
    public void ImportEntries_DebDataEntries_SameCommitAsOstreeTarCommit(string package)
    {
        ExternalTool.Require("ostree", "dpkg-deb");
        var deb = RealDebs.Get(package);
        var tar = _tmp.Combine("data.tar");
        ExternalTool.Run("sh", ["-c", "dpkg-deb --fsys-tarfile \"$1\" > \"$2\"", "sh", deb, tar]).EnsureSuccess("dpkg-deb --fsys-tarfile");
        var refRepo = _tmp.Combine("ref");
        OstreeTestTrees.Ostree("init", "--repo=" + refRepo, "--mode=bare-user");
        var expected = OstreeTestTrees.Ostree("--repo=" + refRepo, "commit", "--no-bindings", "--timestamp=" + OstreeTestTrees.OstreeTimestamp, "-b", "t", "--tree=tar=" + tar).Trim();

        // Straight from the package: no data.tar on disk, no extraction.
        var repo = OstreeRepository.Create(_tmp.Combine("ours"), RepoMode.BareUser);
        using var pkg = DebPackage.Open(deb);
        using var transaction = repo.PrepareTransaction();
        var builder = new MutableTreeBuilder(transaction).ImportEntries(pkg.EnumerateDataEntries(), deb);
        var commit = transaction.WriteCommit(builder.Tree, new CommitOptions { Branch = "t", NoBindings = true, Timestamp = Time });
        transaction.Complete();
        Assert.Equal(expected, commit.ToString());
        OstreeTestTrees.Ostree("--repo=" + repo.Path, "fsck");
    }

    [Fact]
    public void ImportEntries_EntriesMadeInCode_SameTreeAsTheTarOfThem()
    {
        var repo = OstreeRepository.Create(_tmp.Combine("repo"), RepoMode.Archive);
        TarArchiveEntry File(string name, string content) => new()
        {
            NameBytes = Encoding.UTF8.GetBytes(name),
            Type = TarArchiveEntryType.RegularFile,
            Permissions = 0x1A4,
            Size = Encoding.UTF8.GetByteCount(content),
            DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content)),
        };

        using var transaction = repo.PrepareTransaction();
        var made = new MutableTreeBuilder(transaction).ImportEntries([File("usr/bin/a", "a"), File("var/lib/dpkg/status", "Package: a\n")]).Tree;
        var fromTar = new MutableTreeBuilder(transaction).ImportTar(new MemoryStream(Tar(("usr/bin/a", "a"), ("var/lib/dpkg/status", "Package: a\n")))).Tree;
        Assert.Equal(transaction.WriteTree(fromTar), transaction.WriteTree(made));
    }

    [Fact]
    public void Transaction_ManyImportsThenCommits_ObjectsAndRefsAppearOnlyAtComplete()
    {
        var repo = OstreeRepository.Create(_tmp.Combine("repo"), RepoMode.BareUser);
        var a = Tar(("usr/bin/a", "a"), ("usr/share/doc/a/copyright", "a copyright"));
        var b = Tar(("usr/bin/b", "b"), ("usr/share/doc/b/copyright", "b copyright"));
        var options = new ImportOptions { CanonicalPermissions = true };
        using (var abandoned = repo.PrepareTransaction())
        {
            var tree = new MutableTreeBuilder(abandoned, options).ImportTar(new MemoryStream(a)).Tree;
            abandoned.WriteCommit(tree, new CommitOptions { Branch = "pkg/a", Timestamp = Time });
            Assert.Empty(repo.Objects.Enumerate());
        }

        Assert.Empty(repo.Objects.Enumerate());
        Assert.Null(repo.Refs.TryResolve("pkg/a"));
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(repo.Path, "tmp")));

        using var transaction = repo.PrepareTransaction();
        var treeA = new MutableTreeBuilder(transaction, options).ImportTar(new MemoryStream(a)).Tree;
        var treeB = new MutableTreeBuilder(transaction, options).ImportTar(new MemoryStream(b)).Tree;
        var commitA = transaction.WriteCommit(treeA, new CommitOptions { Branch = "pkg/a", Timestamp = Time });
        transaction.WriteCommit(treeB, new CommitOptions { Branch = "pkg/b", Timestamp = Time });
        var union = new MutableTree();
        Assert.Empty(union.Merge(treeA));
        Assert.Empty(union.Merge(treeB));
        var root = transaction.WriteCommit(union, new CommitOptions { Branch = "root", Timestamp = Time });
        Assert.Null(repo.Refs.TryResolve("root"));
        transaction.Complete();

        Assert.Equal(commitA, repo.Refs.TryResolve("pkg/a"));
        Assert.Equal(root, repo.Refs.TryResolve("root"));
        var listing = repo.Browse();
        Assert.NotNull(MutableTree.FromCommit(repo, root).FindFile("usr/bin/a"));
        Assert.NotNull(MutableTree.FromCommit(repo, root).FindFile("usr/share/doc/b/copyright"));
        Assert.NotNull(listing);
    }

    [SkippableFact]
    public void ImportDirectory_DirectoryLayerThenFileLayer_FailsLikeOstree()
    {
        ExternalTool.Require("ostree");
        Directory.CreateDirectory(_tmp.Combine("d1", "a"));
        Directory.CreateDirectory(_tmp.Combine("d2"));
        File.WriteAllText(_tmp.Combine("d2", "a"), "file");
        var refRepo = _tmp.Combine("ref");
        OstreeTestTrees.Ostree("init", "--repo=" + refRepo, "--mode=bare-user");
        var ostree = OstreeTestTrees.OstreeRun("--repo=" + refRepo, "commit", "-b", "x", "--tree=dir=" + _tmp.Combine("d1"), "--tree=dir=" + _tmp.Combine("d2"));
        Assert.NotEqual(0, ostree.ExitCode);
        Assert.Contains("Can't replace directory with file: a", ostree.StandardError, StringComparison.Ordinal);

        var repo = OstreeRepository.Create(_tmp.Combine("ours"), RepoMode.BareUser);
        using var transaction = repo.PrepareTransaction();
        var builder = new MutableTreeBuilder(transaction).ImportDirectory(_tmp.Combine("d1"));
        var ex = Assert.Throws<AptOstreeException>(() => builder.ImportDirectory(_tmp.Combine("d2")));
        Assert.Equal(OstreeErrorCodes.TreeConflict, ex.ErrorCode);
        Assert.Contains("Can't replace directory with file: a", ex.Message, StringComparison.Ordinal);

        // The reverse order fails too, as in ostree.
        var reverse = new MutableTreeBuilder(transaction).ImportDirectory(_tmp.Combine("d2"));
        Assert.Contains("Can't replace file with directory: a", Assert.Throws<AptOstreeException>(() => reverse.ImportDirectory(_tmp.Combine("d1"))).Message, StringComparison.Ordinal);
        Assert.NotEqual(0, OstreeTestTrees.OstreeRun("--repo=" + refRepo, "commit", "-b", "x", "--tree=dir=" + _tmp.Combine("d2"), "--tree=dir=" + _tmp.Combine("d1")).ExitCode);
    }

    [SkippableFact]
    public void ImportDirectory_TreeDeeperThanPathMax_SameCommitAsOstree()
    {
        ExternalTool.Require("ostree", "python3");
        var tree = _tmp.Combine("deep");
        Directory.CreateDirectory(tree);

        // 30 levels of 200-byte names: the deepest path is over 6000 bytes, past PATH_MAX (4096); made with relative cd's.
        ExternalTool.Run("python3", ["-c", "import os,sys\nos.chdir(sys.argv[1])\nfor i in range(30):\n    d='%0200d' % i; os.mkdir(d); os.chdir(d)\nopen('file','w').write('deep'); os.symlink('file','link')", tree]).EnsureSuccess("make a deep tree");
        var refRepo = _tmp.Combine("ref");
        OstreeTestTrees.Ostree("init", "--repo=" + refRepo, "--mode=archive");
        var expected = OstreeTestTrees.Ostree("--repo=" + refRepo, "commit", "--no-bindings", "--timestamp=" + OstreeTestTrees.OstreeTimestamp, "-b", "t", "--tree=dir=" + tree).Trim();

        var repo = OstreeRepository.Create(_tmp.Combine("ours"), RepoMode.Archive);
        var reports = new List<OperationProgress>();
        var actual = repo.Commit(tree, new CommitOptions { Branch = "t", NoBindings = true, Timestamp = Time }, progress: new SyncProgress(reports.Add));
        Assert.Equal(expected, actual.ToString());
        Assert.Equal(4, reports[^1].Total);
        ExternalTool.Run("rm", ["-rf", tree]); // deeper than PATH_MAX: more than Directory.Delete can remove
    }

    [SkippableFact]
    public void ImportDirectory_NameThatIsNotUtf8_RefusedLikeLibostree()
    {
        ExternalTool.Require("ostree");
        var tree = _tmp.Combine("names");
        Directory.CreateDirectory(tree);
        ExternalTool.Run("sh", ["-c", "printf x > \"$1/$(printf 'caf\\351')\"", "sh", tree]).EnsureSuccess("make a non-UTF-8 name");
        var refRepo = _tmp.Combine("ref");
        OstreeTestTrees.Ostree("init", "--repo=" + refRepo, "--mode=bare-user");
        Assert.NotEqual(0, OstreeTestTrees.OstreeRun("--repo=" + refRepo, "commit", "-b", "n", "--tree=dir=" + tree).ExitCode);

        var repo = OstreeRepository.Create(_tmp.Combine("ours"), RepoMode.BareUser);
        var ex = Assert.Throws<InvalidFormatException>(() => repo.Commit(tree, new CommitOptions { Branch = "n" }));
        Assert.Equal(OstreeErrorCodes.InvalidFileName, ex.ErrorCode);
        Assert.Contains(@"caf\351", ex.Message, StringComparison.Ordinal);
        Assert.Null(repo.Refs.TryResolve("n"));
    }

    [SkippableFact]
    public void ImportTar_FileThenEntryBelowIt_FailsLikeLibostree()
    {
        ExternalTool.Require("ostree");
        var tar = _tmp.Combine("x.tar");
        File.WriteAllBytes(tar, Tar(("f", "file f"), ("f/g", "g")));
        var refRepo = _tmp.Combine("ref");
        OstreeTestTrees.Ostree("init", "--repo=" + refRepo, "--mode=bare-user");
        Assert.NotEqual(0, OstreeTestTrees.OstreeRun("--repo=" + refRepo, "commit", "-b", "x", "--tree=tar=" + tar).ExitCode);

        var repo = OstreeRepository.Create(_tmp.Combine("ours"), RepoMode.BareUser);
        using var stream = File.OpenRead(tar);
        var ex = Assert.Throws<AptOstreeException>(() => repo.CommitTar(stream, new CommitOptions { Branch = "x" }));
        Assert.Equal(OstreeErrorCodes.TreeConflict, ex.ErrorCode);
        Assert.Contains("f/g", ex.Message, StringComparison.Ordinal);
        Assert.Null(repo.Refs.TryResolve("x"));
        Assert.Empty(repo.Objects.Enumerate());
    }

    [SkippableFact]
    public void ImportTar_NonUtf8Name_RefusedNamingTheEntryLikeLibostree()
    {
        ExternalTool.Require("ostree");
        var tar = _tmp.Combine("n.tar");
        File.WriteAllBytes(tar, Tar(("caf\xE9", "e-acute"), ("caf\xE8", "e-grave")));
        var refRepo = _tmp.Combine("ref");
        OstreeTestTrees.Ostree("init", "--repo=" + refRepo, "--mode=bare-user");
        var ostree = OstreeTestTrees.OstreeRun("--repo=" + refRepo, "commit", "-b", "n", "--tree=tar=" + tar);
        Assert.NotEqual(0, ostree.ExitCode);
        Assert.Contains("Invalid UTF-8", ostree.StandardError, StringComparison.Ordinal);

        var repo = OstreeRepository.Create(_tmp.Combine("ours"), RepoMode.BareUser);
        using var stream = File.OpenRead(tar);
        var ex = Assert.Throws<InvalidFormatException>(() => repo.CommitTar(stream, new CommitOptions { Branch = "n" }));
        Assert.Equal(OstreeErrorCodes.InvalidFileName, ex.ErrorCode);
        Assert.Contains(@"caf\351", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Invalid UTF-8", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not-a-tar")]
    [InlineData("random")]
    public void CommitTar_InvalidTar_OurErrorAndNothingCommitted(string kind)
    {
        byte[] data = kind == "random"
            ? new Random(7).GetItems<byte>(Enumerable.Range(0, 256).Select(i => (byte)i).ToArray(), 2048)
            : "!<arch>\ndebian-binary   0           0     0     100644  4         `\n2.0\n"u8.ToArray();
        var repo = OstreeRepository.Create(_tmp.Combine("repo"), RepoMode.BareUser);
        var ex = Assert.Throws<InvalidFormatException>(() => repo.CommitTar(new MemoryStream(data), new CommitOptions { Branch = "x" }));
        Assert.Equal(CoreErrorCodes.InvalidTar, ex.ErrorCode);
        Assert.Null(repo.Refs.TryResolve("x"));
    }

    [Fact]
    public void Commit_CancelledDuringImport_NothingMovedAndStagingRemoved()
    {
        var tree = _tmp.Combine("tree");
        for (var i = 0; i < 50; i++)
        {
            Write(tree, $"d{i % 5}/f{i}", new string('x', 100_000 + i), 0x1A4);
        }

        var repo = OstreeRepository.Create(_tmp.Combine("repo"), RepoMode.BareUser);
        using var cts = new CancellationTokenSource();
        var progress = new SyncProgress(p =>
        {
            if (p.Completed > 1_000_000)
            {
                cts.Cancel();
            }
        });
        Assert.ThrowsAny<OperationCanceledException>(() => repo.Commit(tree, new CommitOptions { Branch = "k" }, progress: progress, cancellationToken: cts.Token));
        Assert.Null(repo.Refs.TryResolve("k"));
        Assert.Empty(repo.Objects.Enumerate());
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(repo.Path, "tmp")));
    }

    [Fact]
    public void Commit_WithProgress_ReportsContentBytesAgainstTheTreeTotal()
    {
        var tree = _tmp.Combine("tree");
        long total = 0;
        for (var i = 0; i < 3; i++)
        {
            Write(tree, $"big{i}", new string('y', 3_000_000), 0x1A4);
            total += 3_000_000;
        }

        Write(tree, "small", "s", 0x1A4);
        total += 1;
        var reports = new List<OperationProgress>();
        var repo = OstreeRepository.Create(_tmp.Combine("repo"), RepoMode.BareUser);
        repo.Commit(tree, new CommitOptions { Branch = "p" }, progress: new SyncProgress(reports.Add));
        Assert.All(reports, r => Assert.Equal((ProgressUnit.Bytes, total), (r.Unit, r.Total)));
        Assert.True(reports.Count(r => r.Completed < 3_000_000) >= 2, "reports during the first large file");
        Assert.Equal(total, reports[^1].Completed);
    }

    [Theory]
    [InlineData(RepoMode.BareUser, true)]
    [InlineData(RepoMode.Archive, false)]
    public void Checkout_WithProgressAndCancellation_CountsFilesAndStops(RepoMode mode, bool user)
    {
        var tree = _tmp.Combine("tree");
        for (var i = 0; i < 600; i++)
        {
            Write(tree, $"d{i % 7}/f{i}", $"content {i}", 0x1A4);
        }

        var repo = OstreeRepository.Create(_tmp.Combine("repo"), mode);
        var commit = repo.Commit(tree, new CommitOptions { Branch = "c" });
        var options = new CheckoutOptions { Mode = user ? CheckoutMode.User : CheckoutMode.Root };
        var reports = new List<OperationProgress>();
        repo.Checkout(commit, _tmp.Combine("co"), options, new SyncProgress(reports.Add));
        Assert.Contains(reports, r => r.Completed < 600 && r.Total == 600);
        Assert.Equal((600L, (long?)600), (reports[^1].Completed, reports[^1].Total));

        using var cts = new CancellationTokenSource();
        var cancelling = new SyncProgress(_ => cts.Cancel());
        Assert.ThrowsAny<OperationCanceledException>(() => repo.Checkout(commit, _tmp.Combine("cancelled"), options, cancelling, cts.Token));
        Assert.True(Directory.EnumerateFiles(_tmp.Combine("cancelled"), "*", SearchOption.AllDirectories).Count() < 600);
    }

    [Fact]
    public void ImportTar_DeviceNodes_RefusedUnlessTheFilterLeavesThemOut()
    {
        var output = new MemoryStream();
        using (var writer = new System.Formats.Tar.TarWriter(output, System.Formats.Tar.TarEntryFormat.Gnu, leaveOpen: true))
        {
            writer.WriteEntry(new System.Formats.Tar.GnuTarEntry(System.Formats.Tar.TarEntryType.Directory, "dev/") { Mode = (UnixFileMode)0x1ED });
            writer.WriteEntry(new System.Formats.Tar.GnuTarEntry(System.Formats.Tar.TarEntryType.CharacterDevice, "dev/null") { DeviceMajor = 1, DeviceMinor = 3, Mode = (UnixFileMode)0x1B6 });
            writer.WriteEntry(new System.Formats.Tar.GnuTarEntry(System.Formats.Tar.TarEntryType.Fifo, "dev/pipe") { Mode = (UnixFileMode)0x1A4 });
            writer.WriteEntry(new System.Formats.Tar.GnuTarEntry(System.Formats.Tar.TarEntryType.RegularFile, "dev/keep") { DataStream = new MemoryStream("k"u8.ToArray()) });
        }

        var repo = OstreeRepository.Create(_tmp.Combine("repo"), RepoMode.Archive);
        var ex = Assert.Throws<AptOstreeException>(() => repo.CommitTar(new MemoryStream(output.ToArray()), new CommitOptions { Branch = "d" }));
        Assert.Equal(OstreeErrorCodes.UnsupportedFileType, ex.ErrorCode);
        Assert.Contains("dev/null", ex.Message, StringComparison.Ordinal);

        var seen = new List<(string Path, uint Type)>();
        var import = new ImportOptions
        {
            Filter = e =>
            {
                seen.Add((e.Path, e.Mode & 0xF000));
                return (e.Mode & 0xF000) is 0x2000 or 0x1000 ? null : e;
            },
        };
        var commit = repo.CommitTar(new MemoryStream(output.ToArray()), new CommitOptions { Branch = "d" }, import);
        Assert.Contains(("/dev/null", 0x2000u), seen);
        Assert.Contains(("/dev/pipe", 0x1000u), seen);
        var tree = MutableTree.FromCommit(repo, commit).FindDirectory("dev")!;
        Assert.Equal(["keep"], tree.Files.Keys);
    }

    [Fact]
    public void ImportCommit_WithFilterAndOwner_RewritesOnlyChangedFiles()
    {
        var repo = OstreeRepository.Create(_tmp.Combine("repo"), RepoMode.Archive);
        var base1 = repo.CommitTar(new MemoryStream(Tar(("usr/bin/a", "a"), ("var/cache/x", "x"))), new CommitOptions { Branch = "base", Timestamp = Time });
        using var transaction = repo.PrepareTransaction();
        var builder = new MutableTreeBuilder(transaction, new ImportOptions { Filter = e => e.Path.StartsWith("/var/cache", StringComparison.Ordinal) ? null : e, OwnerUid = 5 });
        builder.ImportCommit(base1);
        Assert.Null(builder.Tree.FindFile("var/cache/x"));
        var a = builder.Tree.FindFile("usr/bin/a");
        Assert.NotNull(a);
        Assert.NotEqual(MutableTree.FromCommit(repo, base1).FindFile("usr/bin/a"), a);
        transaction.Complete();
        Assert.Equal(5u, repo.Objects.ReadContentHeader(a.Value).Uid);
    }

    private static void Write(string root, string relative, string content, uint mode)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(root, relative))!);
        OstreeTestTrees.Write(root, relative, content, mode);
    }

    private static byte[] Tar(params (string Name, string Content)[] files)
    {
        var output = new MemoryStream();
        using (var writer = new System.Formats.Tar.TarWriter(output, System.Formats.Tar.TarEntryFormat.Gnu, leaveOpen: true))
        {
            foreach (var (name, content) in files)
            {
                writer.WriteEntry(new System.Formats.Tar.GnuTarEntry(System.Formats.Tar.TarEntryType.RegularFile, name)
                {
                    DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content)),
                    Mode = (UnixFileMode)0x1A4,
                    ModificationTime = Time,
                });
            }
        }

        var bytes = output.ToArray();

        // System.Formats.Tar writes names as UTF-8; a name with \xE9/\xE8 stands for that single byte (Latin-1) here.
        foreach (var (name, _) in files.Where(f => f.Name.Any(c => c is >= '\x80' and <= '\xFF')))
        {
            var utf8 = Encoding.UTF8.GetBytes(name);
            var latin1 = Encoding.Latin1.GetBytes(name);
            var at = bytes.AsSpan().IndexOf(utf8);
            latin1.CopyTo(bytes, at);
            bytes.AsSpan(at + latin1.Length, utf8.Length - latin1.Length).Clear();
            RechecksumHeader(bytes, at - (at % 512));
        }

        return bytes;
    }

    private static void RechecksumHeader(byte[] tar, int header)
    {
        var block = tar.AsSpan(header, 512);
        "        "u8.CopyTo(block[148..]);
        var sum = 0;
        foreach (var b in block)
        {
            sum += b;
        }

        Encoding.ASCII.GetBytes(Convert.ToString(sum, 8).PadLeft(6, '0') + "\0 ").CopyTo(block[148..]);
    }

    private sealed class SyncProgress(Action<OperationProgress> report) : IProgress<OperationProgress>
    {
        public void Report(OperationProgress value) => report(value);
    }
}
