using System.IO.Compression;
using AptOstree.OSTree.GVariant;
using AptOstree.Posix;
using AptOstree.Testing;
using Xunit.Abstractions;

namespace AptOstree.OSTree.Tests.Fuzz;

/// <summary>
/// Mutation fuzzing of a repository's objects on disk, in every mode: each object (commit, dirtree, dirmeta, content
/// file; archive <c>.filez</c>; bare-user <c>user.ostreemeta</c>) is mutated in place, then read, checked out (root and
/// user mode) and fsck'ed. Reading and checkout may only fail with our exception, checkout writes nothing outside its
/// destination, and fsck never throws and reports the object (unless the mutant means the same). Metadata mutants are
/// also stored under their own checksum and linked into a new commit, so checkout gets past the checksum check to the
/// parsers and the name checks. The object is restored after each mutant.
/// </summary>
public class RepositoryFuzzTests(ITestOutputHelper output)
{
    private const int SystematicPerObject = 4;
    private const int RandomPerObject = 3;
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);
    private static readonly IPosixFileSystem Fs = LibcPosixFileSystem.Instance;

    [SkippableTheory]
    [InlineData(RepoMode.Archive, 11001)]
    [InlineData(RepoMode.BareUser, 12001)]
    [InlineData(RepoMode.BareUserOnly, 13001)]
    [InlineData(RepoMode.Bare, 14001)]
    public void OurRepository_MutatedObjects_AreOurErrorsAndFsckReportsThem(RepoMode mode, int seed)
    {
        Skip.If(mode == RepoMode.Bare && !LibcPosixFileSystem.IsRoot, "a bare repository keeps owners: needs root");
        using var tmp = new TempDirectory("fuzz-repo-");
        BuildTree(tmp.Combine("tree"), xattrs: mode != RepoMode.BareUserOnly);
        var repo = OstreeRepository.Create(tmp.Combine("repo"), mode);
        repo.Commit(tmp.Combine("tree"), new CommitOptions
        {
            Branch = "main", Subject = "fuzz", Timestamp = DateTimeOffset.UnixEpoch, Metadata = [new("version", GVariantValue.FromString("1"))],
        }, new ImportOptions { CanonicalPermissions = mode == RepoMode.BareUserOnly });
        Fuzz(tmp, repo, seed);
    }

    [SkippableTheory]
    [InlineData(RepoMode.Archive, "archive", 21001)]
    [InlineData(RepoMode.BareUser, "bare-user", 22001)]
    public void OstreeRepository_MutatedObjects_AreOurErrorsAndFsckReportsThem(RepoMode mode, string ostreeMode, int seed)
    {
        ExternalTool.Require("ostree");
        using var tmp = new TempDirectory("fuzz-repo-");
        BuildTree(tmp.Combine("tree"), xattrs: true);
        string path = tmp.Combine("repo");
        OstreeTestTrees.Ostree("--repo=" + path, "init", "--mode=" + ostreeMode);
        OstreeTestTrees.Ostree("--repo=" + path, "commit", "-b", "main", "--timestamp=@0", "-s", "fuzz", "--add-metadata-string=version=1", tmp.Combine("tree"));
        var repo = OstreeRepository.Open(path);
        Assert.Equal(mode, repo.Mode);
        Fuzz(tmp, repo, seed);
    }

    private static void BuildTree(string root, bool xattrs)
    {
        Directory.CreateDirectory(Path.Combine(root, "sub/deep"));
        OstreeTestTrees.Write(root, "hello.txt", "hello\n", 0x1A4);
        OstreeTestTrees.Write(root, "empty", string.Empty, 0x1A4);
        OstreeTestTrees.Write(root, "sub/x", "x", 0x1ED);
        OstreeTestTrees.Write(root, "sub/deep/y", "y", 0x1A4);
        Fs.CreateSymbolicLink("hello.txt", Path.Combine(root, "link"));
        if (xattrs)
        {
            OstreeTestTrees.Write(root, "withx", "with an xattr", 0x1A4);
            Fs.SetExtendedAttribute(Path.Combine(root, "withx"), "user.a", [0, 1, 0xFF]);
            Fs.SetExtendedAttribute(Path.Combine(root, "sub"), "user.dir", "D"u8.ToArray());
        }

        foreach (var dir in Directory.EnumerateDirectories(root, "*", SearchOption.AllDirectories).Append(root))
        {
            Fs.SetPermissions(dir, 0x1ED);
        }
    }

    private void Fuzz(TempDirectory tmp, OstreeRepository repo, int seed)
    {
        var findings = new FuzzFindings();
        var commit = repo.ResolveRev("main");
        var original = repo.Objects.ReadCommit(commit);
        var rootTree = repo.Objects.ReadDirTree(original.RootTree);
        Directory.CreateDirectory(tmp.Combine("dests"));
        var targets = repo.Objects.Enumerate()
            .Where(o => o.Type is ObjectType.Commit or ObjectType.DirTree or ObjectType.DirMeta or ObjectType.File)
            .OrderBy(o => o.Type).ThenBy(o => o.Checksum)
            .SelectMany(o => MutationTarget.For(repo, o))
            .ToList();
        Assert.True(targets.Count >= 8, $"only {targets.Count} objects to mutate");
        int run = 0;
        FuzzFindings.WithinTime(Limit, () =>
        {
            var random = new Random(seed);
            foreach (var target in targets)
            {
                byte[] bytes = target.Read();
                foreach (var mutant in Pick(bytes, seed++, random))
                {
                    target.Write(mutant.Data);
                    try
                    {
                        Exercise(findings, tmp, repo, commit, target, mutant, run++, inPlace: true);
                        FsckMustReport(findings, repo, target, bytes, mutant);
                    }
                    finally
                    {
                        target.Write(bytes);
                    }

                    if (target.Object.Type is not ObjectType.File && Rehash(repo, original, rootTree, target.Object, mutant.Data) is { } rehashed)
                    {
                        try
                        {
                            Exercise(findings, tmp, repo, rehashed.Commit, target, mutant, run++, inPlace: false);
                            findings.Run("fsck of a rehashed mutant", mutant, () => repo.Fsck());
                        }
                        finally
                        {
                            repo.Refs.Delete("fuzz");
                            foreach (string created in rehashed.Created)
                            {
                                File.Delete(created);
                            }
                        }
                    }
                }
            }
        });
        output.WriteLine(findings.Summary);
        findings.AssertNone();
        Assert.True(findings.OurErrors.Count > 0, "no mutant was refused: the fuzzer did not reach the repository's checks");
        var fsck = repo.Fsck();
        Assert.True(fsck.IsClean, "every object was restored, yet fsck finds: " + string.Join("; ", fsck.Problems.Select(p => p.Message)));
    }

    /// <summary>A spread of the systematic mutants plus a few random ones per object (each costs checkouts and an fsck).</summary>
    private static IEnumerable<Mutant> Pick(byte[] bytes, int seed, Random random)
    {
        var systematic = ByteMutations.Systematic(bytes).ToList();
        for (int i = 0; i < SystematicPerObject && systematic.Count > 0; i++)
        {
            yield return systematic[(i * systematic.Count / SystematicPerObject + random.Next(systematic.Count / SystematicPerObject + 1)) % systematic.Count];
        }

        foreach (var mutant in ByteMutations.Generate(bytes, seed, RandomPerObject).Skip(systematic.Count))
        {
            yield return mutant;
        }
    }

    /// <summary>Read the object, check the commit out (the checkout modes take turns), and check nothing outside the destination changed.</summary>
    private static void Exercise(FuzzFindings findings, TempDirectory tmp, OstreeRepository repo, Checksum commit, MutationTarget target, Mutant mutant, int run, bool inPlace)
    {
        string what = $"{(inPlace ? "in-place" : "rehashed")} {target}";
        var modes = CheckoutModes(repo.Mode);
        var mode = modes[run % modes.Length];
        string destination = tmp.Combine("dests", $"co-{run}-{mode}");
        var before = Snapshot(tmp.Path, destination);
        findings.Run("read " + what, mutant, () => Read(repo, target.Object));
        findings.Run("ls -R / log / diff / cat with " + what, mutant, () => Browse(repo, commit));

        // Every third checkout takes only /sub (ostree checkout --subpath), which reads the root dirtree unverified.
        var options = new CheckoutOptions { Mode = mode, Subpath = run % 3 == 2 ? "/sub" : null };
        findings.Run($"checkout ({mode}{(options.Subpath is null ? string.Empty : ", subpath")}) with {what}", mutant, () => repo.Checkout(commit, destination, options));
        var after = Snapshot(tmp.Path, destination);
        foreach (string changed in before.Except(after).Concat(after.Except(before)).Distinct().Take(3))
        {
            findings.Add($"checkout ({mode}) with {what}", mutant, $"changed '{changed}' outside its destination");
        }

        ForceDelete(destination);
    }

    private static void Browse(OstreeRepository repo, Checksum commit)
    {
        var browser = repo.Browse();
        foreach (var entry in browser.List(commit, "/", recursive: true).ToList())
        {
            if (!entry.IsDirectory && entry.Path.EndsWith("hello.txt", StringComparison.Ordinal))
            {
                using var file = browser.OpenFile(commit, entry.Path);
                file.Content.CopyTo(Stream.Null);
            }
        }

        _ = browser.Log(commit).ToList();
        _ = browser.Diff(repo.ResolveRev("main"), commit);
    }

    private static void Read(OstreeRepository repo, ObjectName name)
    {
        switch (name.Type)
        {
            case ObjectType.Commit:
                _ = repo.Objects.ReadCommit(name.Checksum);
                _ = repo.Objects.ReadCommit(name.Checksum, verify: true);
                break;
            case ObjectType.DirTree:
                _ = repo.Objects.ReadDirTree(name.Checksum);
                _ = repo.Objects.ReadDirTree(name.Checksum, verify: true);
                break;
            case ObjectType.DirMeta:
                _ = repo.Objects.ReadDirMeta(name.Checksum);
                _ = repo.Objects.ReadDirMeta(name.Checksum, verify: true);
                break;
            default:
                _ = repo.Objects.ReadContentHeader(name.Checksum);
                using (var content = repo.Objects.OpenContent(name.Checksum))
                {
                    content.Content.CopyTo(Stream.Null);
                }

                break;
        }
    }

    /// <summary>fsck must not throw, and must name the mutated object unless the mutant reads back as the same object.</summary>
    private static void FsckMustReport(FuzzFindings findings, OstreeRepository repo, MutationTarget target, byte[] original, Mutant mutant)
    {
        FsckResult? result = null;
        if (!findings.Run("fsck with in-place " + target, mutant, () => result = repo.Fsck()))
        {
            return;
        }

        if (!result!.Problems.Any(p => p.Object == target.Object) && !target.MeansTheSame(original, mutant.Data))
        {
            findings.Add("fsck with in-place " + target, mutant, "reported nothing about the mutated object");
        }
    }

    private static CheckoutMode[] CheckoutModes(RepoMode mode) =>
        mode == RepoMode.BareUserOnly ? [CheckoutMode.User] : [CheckoutMode.Root, CheckoutMode.User];

    /// <summary>
    /// Stores a mutated metadata object under its own checksum and links it into a new commit (ref <c>fuzz</c>): the
    /// commit itself, the root dirtree or dirmeta, or those of a top-level directory. Null for deeper objects.
    /// </summary>
    private static (Checksum Commit, List<string> Created)? Rehash(OstreeRepository repo, OstreeCommit commit, DirTree root, ObjectName name, byte[] mutant)
    {
        var created = new List<string>();
        Checksum Store(ObjectType type, byte[] data)
        {
            var checksum = Checksum.Compute(data);
            string path = repo.Objects.GetLoosePath(checksum, type);
            if (!File.Exists(path))
            {
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                File.WriteAllBytes(path, data);
                created.Add(path);
            }

            return checksum;
        }

        Checksum? result = null;
        if (name.Type == ObjectType.Commit)
        {
            result = Store(ObjectType.Commit, mutant);
        }
        else if (name.Type == ObjectType.DirTree && name.Checksum == commit.RootTree)
        {
            result = Store(ObjectType.Commit, (commit with { RootTree = Store(ObjectType.DirTree, mutant) }).Serialize());
        }
        else if (name.Type == ObjectType.DirMeta && name.Checksum == commit.RootMeta)
        {
            result = Store(ObjectType.Commit, (commit with { RootMeta = Store(ObjectType.DirMeta, mutant) }).Serialize());
        }
        else if (root.Directories.FirstOrDefault(d => d.TreeChecksum == name.Checksum || d.MetaChecksum == name.Checksum) is { } dir)
        {
            var replaced = name.Type == ObjectType.DirTree
                ? dir with { TreeChecksum = Store(ObjectType.DirTree, mutant) }
                : dir with { MetaChecksum = Store(ObjectType.DirMeta, mutant) };
            var tree = new DirTree(root.Files, [.. root.Directories.Select(d => d == dir ? replaced : d)]);
            result = Store(ObjectType.Commit, (commit with { RootTree = Store(ObjectType.DirTree, tree.Serialize()) }).Serialize());
        }

        if (result is not Checksum c)
        {
            return null;
        }

        repo.Refs.Set("fuzz", c);
        return (c, created);
    }

    /// <summary>Every entry under <paramref name="root"/> (type, size, mtime, link target, mode) except <paramref name="excluded"/>.</summary>
    private static HashSet<string> Snapshot(string root, string excluded)
    {
        var entries = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([root]);
        while (pending.TryPop(out var dir))
        {
            foreach (string name in Fs.ListDirectory(dir))
            {
                string path = dir + "/" + name;
                if (path == excluded)
                {
                    continue;
                }

                var st = Fs.GetStatus(path);
                entries.Add($"{path} {st.FileType} {(st.IsDirectory ? 0 : st.Size)} {(st.IsDirectory ? default : st.ModificationTime)} {(st.IsSymbolicLink ? Fs.ReadSymbolicLink(path) : string.Empty)} {st.Permissions}");
                if (st.IsDirectory)
                {
                    pending.Push(path);
                }
            }
        }

        return entries;
    }

    private static void ForceDelete(string path)
    {
        if (!Fs.TryGetStatus(path, out var st))
        {
            return;
        }

        if (st.IsDirectory)
        {
            Fs.SetPermissions(path, 0x1C0);
            foreach (string child in Fs.ListDirectory(path))
            {
                ForceDelete(path + "/" + child);
            }
        }

        Fs.Delete(path);
    }

    /// <summary>The bytes of one object that a mutant replaces: its file, or (bare-user) its <c>user.ostreemeta</c> xattr.</summary>
    private sealed class MutationTarget
    {
        private const string UserMeta = "user.ostreemeta";
        private readonly OstreeRepository _repo;
        private readonly string _path;
        private readonly bool _xattr;

        private MutationTarget(OstreeRepository repo, ObjectName name, string path, bool xattr)
        {
            _repo = repo;
            Object = name;
            _path = path;
            _xattr = xattr;
        }

        public ObjectName Object { get; }

        /// <summary>Symlinks of bare modes are skipped (their target is a path, not bytes); bare-user files get both targets.</summary>
        public static IEnumerable<MutationTarget> For(OstreeRepository repo, ObjectName name)
        {
            string path = repo.Objects.GetLoosePath(name.Checksum, name.Type);
            if (Fs.GetStatus(path).IsSymbolicLink)
            {
                yield break;
            }

            if (name.Type == ObjectType.File && repo.Mode == RepoMode.BareUser)
            {
                yield return new MutationTarget(repo, name, path, xattr: true);
            }

            yield return new MutationTarget(repo, name, path, xattr: false);
        }

        public byte[] Read() => _xattr ? Fs.GetExtendedAttribute(_path, UserMeta) ?? [] : File.ReadAllBytes(_path);

        public void Write(byte[] data)
        {
            if (_xattr)
            {
                Fs.SetExtendedAttribute(_path, UserMeta, data);
                return;
            }

            // In place, so the inode keeps its owner, mode and xattrs (part of a bare object's checksum).
            var st = Fs.GetStatus(_path);
            Fs.SetPermissions(_path, st.Permissions | 0x180);
            using (var stream = new FileStream(_path, FileMode.Truncate, FileAccess.Write))
            {
                stream.Write(data);
            }

            Fs.SetPermissions(_path, st.Permissions);
        }

        /// <summary>
        /// True when the mutant is the same object read another way: trailing bytes after an archive object's
        /// DEFLATE stream, or a non-normal <c>user.ostreemeta</c> with the same values (ostree does not see those either).
        /// </summary>
        public bool MeansTheSame(byte[] original, byte[] mutant)
        {
            if (Object.Type != ObjectType.File)
            {
                return false;
            }

            string name = Object.ToString();
            try
            {
                if (_xattr)
                {
                    return FileHeader.ParseUserMeta(original, name).SerializeUserMeta().AsSpan().SequenceEqual(FileHeader.ParseUserMeta(mutant, name).SerializeUserMeta());
                }

                if (_repo.Mode == RepoMode.Archive && ArchiveContent(mutant) is { } content)
                {
                    return content.SequenceEqual(ArchiveContent(original)!);
                }

                if (_repo.Mode == RepoMode.BareUser && FileHeader.ParseUserMeta(Fs.GetExtendedAttribute(_path, UserMeta) ?? [], name).IsSymlink)
                {
                    // A bare-user symlink is a file holding its target, with or without a trailing NUL.
                    return WithoutTrailingNul(original).SequenceEqual(WithoutTrailingNul(mutant));
                }
            }
            catch (Exception ex) when (ex is AptOstreeException or InvalidDataException)
            {
            }

            return false;
        }

        public override string ToString() => _xattr ? Object + " (user.ostreemeta)" : Object.ToString();

        private static ReadOnlySpan<byte> WithoutTrailingNul(byte[] data) => data is [.., 0] ? data.AsSpan(0, data.Length - 1) : data;

        /// <summary>What the checksum covers (a symlink's size field is not part of it), or null when the size is wrong.</summary>
        private byte[]? ArchiveContent(byte[] data)
        {
            var header = FileHeader.ParseArchiveHeader(data, Object.ToString(), out ulong size, out int headerLength);
            if (header.IsSymlink)
            {
                return header.SerializeForChecksum();
            }

            using var inflated = new MemoryStream();
            using (var deflate = new DeflateStream(new MemoryStream(data, headerLength, data.Length - headerLength), CompressionMode.Decompress))
            {
                deflate.CopyTo(inflated);
            }

            return size == (ulong)inflated.Length ? [.. header.SerializeForChecksum(), .. inflated.ToArray()] : null;
        }
    }
}
