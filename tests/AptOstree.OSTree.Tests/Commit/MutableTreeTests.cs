using AptOstree.Posix;
using AptOstree.Testing;

namespace AptOstree.OSTree.Tests.Commit;

/// <summary>
/// Combining trees: <see cref="MutableTree.Overlay"/> shows an upper layer over a lower one as overlayfs does (checked
/// against a real overlay mount when running as root), <see cref="MutableTree.Merge"/> reports what two trees claim
/// differently.
/// </summary>
public sealed class MutableTreeTests : IDisposable
{
    private readonly TempDirectory _tmp = new("ostree-mtree-");

    public void Dispose() => _tmp.Dispose();

    [SkippableFact]
    public void Overlay_UpperLayerWithWhiteoutsAndOpaqueDirectory_ShowsWhatOverlayfsShows()
    {
        var lower = _tmp.Combine("lower");
        var upper = _tmp.Combine("upper");
        Write(lower, "etc/keep", "lower keep", 0x1A4);
        Write(lower, "etc/gone", "deleted by a whiteout", 0x1A4);
        Write(lower, "etc/changed", "lower", 0x1A4);
        Write(lower, "opaque/old", "hidden by the opaque upper directory", 0x1A4);
        Write(lower, "dir-becomes-file/x", "x", 0x1A4);
        Write(lower, "file-becomes-dir", "f", 0x1A4);
        Write(upper, "etc/changed", "upper", 0x1A4);
        Write(upper, "etc/new", "new", 0x1A4);
        Write(upper, "opaque/fresh", "only this", 0x1A4);
        Write(upper, "dir-becomes-file", "now a file", 0x1A4);
        Write(upper, "file-becomes-dir/y", "y", 0x1A4);
        var fs = LibcPosixFileSystem.Instance;
        var charDeviceWhiteout = LibcPosixFileSystem.IsRoot;
        if (charDeviceWhiteout)
        {
            fs.CreateNode(Path.Combine(upper, "etc/gone"), (uint)PosixFileType.CharacterDevice | 0x1A4, 0);
            fs.SetExtendedAttribute(Path.Combine(upper, "opaque"), "trusted.overlay.opaque", "y"u8.ToArray());
        }
        else
        {
            Write(upper, "etc/.wh.gone", string.Empty, 0x1A4);
            Write(upper, "opaque/" + MutableTree.OpaqueWhiteout, string.Empty, 0x1A4);
        }

        var repo = OstreeRepository.Create(_tmp.Combine("repo"), RepoMode.BareUser);
        using var transaction = repo.PrepareTransaction();
        var tree = new MutableTreeBuilder(transaction).ImportDirectory(lower).Tree;
        var layer = new MutableTreeBuilder(transaction, new ImportOptions { OverlayWhiteouts = true }).ImportDirectory(upper).Tree;
        Assert.Contains("gone", layer.FindDirectory("etc")!.Whiteouts);
        Assert.True(layer.FindDirectory("opaque")!.Opaque);
        tree.Overlay(layer);

        string[] expected =
        [
            "dir-becomes-file", "etc/changed", "etc/keep", "etc/new", "file-becomes-dir/y", "opaque/fresh",
        ];
        Assert.Equal(expected, Files(tree));
        Assert.Equal(layer.FindFile("etc/changed"), tree.FindFile("etc/changed"));

        if (charDeviceWhiteout && Mount(lower, upper) is { } merged)
        {
            try
            {
                var seen = Directory.EnumerateFiles(merged, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(merged, f)).Order(StringComparer.Ordinal);
                Assert.Equal(expected, seen);
            }
            finally
            {
                ExternalTool.Run("umount", [merged]);
            }
        }
    }

    [Fact]
    public void OverlayAndMerge_ImpliedParentDirectories_KeepTheLowerMetadata()
    {
        var repo = OstreeRepository.Create(_tmp.Combine("repo"), RepoMode.BareUser);
        using var transaction = repo.PrepareTransaction();
        var file = transaction.WriteContent(FileHeader.ForFile(0, 0, UnixModeRegular(0x1A4)), new MemoryStream("x"u8.ToArray()), 1);
        var sticky = DirMeta.Create(0, 0, 0x3FF); // /tmp-like 1777
        var lower = new MutableTree();
        lower.EnsureDirectory("var").GetOrCreateDirectory("tmp").Meta = sticky;

        // A layer tar holding only var/tmp/file: var/tmp is implied, its metadata unknown.
        var layer = new MutableTree();
        layer.EnsureDirectory("var/tmp").ReplaceFile("file", file);
        lower.Overlay(layer);
        Assert.Equal(sticky, lower.FindDirectory("var/tmp")!.Meta);

        var merged = new MutableTree();
        merged.EnsureDirectory("var").GetOrCreateDirectory("tmp").Meta = sticky;
        Assert.Empty(merged.Merge(layer));
        Assert.Equal(sticky, merged.FindDirectory("var/tmp")!.Meta);
    }

    [Fact]
    public void Merge_TwoPackagesShippingOnePath_ReportsConflictsAndLetsTheCallerDecide()
    {
        var repo = OstreeRepository.Create(_tmp.Combine("repo"), RepoMode.BareUser);
        using var transaction = repo.PrepareTransaction();
        Checksum Content(string text) => transaction.WriteContent(FileHeader.ForFile(0, 0, UnixModeRegular(0x1A4)), new MemoryStream(System.Text.Encoding.UTF8.GetBytes(text)), text.Length);
        var a = new MutableTree();
        a.EnsureDirectory("usr/share/doc/common").ReplaceFile("copyright", Content("same"));
        a.EnsureDirectory("usr/bin").ReplaceFile("tool", Content("tool from a"));
        a.EnsureDirectory("usr/lib").ReplaceFile("thing", Content("a file in a"));
        var b = new MutableTree();
        b.EnsureDirectory("usr/share/doc/common").ReplaceFile("copyright", Content("same"));
        b.EnsureDirectory("usr/bin").ReplaceFile("tool", Content("tool from b"));
        b.EnsureDirectory("usr/lib/thing").ReplaceFile("inside", Content("a directory in b"));
        b.EnsureDirectory("usr/bin").ReplaceFile("only-b", Content("b"));

        var kept = new MutableTree();
        kept.Merge(a);
        var conflicts = kept.Merge(b);
        Assert.Equal(["/usr/bin/tool", "/usr/lib/thing"], conflicts.Select(c => c.Path));
        Assert.Equal([TreeConflictKind.File, TreeConflictKind.FileAndDirectory], conflicts.Select(c => c.Kind));
        Assert.Equal(Content("tool from a"), kept.FindFile("usr/bin/tool"));
        Assert.NotNull(kept.FindFile("usr/bin/only-b"));

        var replaced = new MutableTree();
        replaced.Merge(a);
        replaced.Merge(b, _ => TreeConflictResolution.TakeIncoming);
        Assert.Equal(Content("tool from b"), replaced.FindFile("usr/bin/tool"));
        Assert.NotNull(replaced.FindFile("usr/lib/thing/inside"));

        var strict = new MutableTree();
        strict.Merge(a);
        var ex = Assert.Throws<AptOstreeException>(() => strict.Merge(b, _ => TreeConflictResolution.Fail));
        Assert.Equal(OstreeErrorCodes.TreeConflict, ex.ErrorCode);
        Assert.Contains("/usr/", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WriteAndLoad_DeepTree_NoRecursionLimit()
    {
        var repo = OstreeRepository.Create(_tmp.Combine("repo"), RepoMode.Archive);
        var tree = new MutableTree();
        tree.EnsureDirectory(string.Join('/', Enumerable.Repeat("d", 20_000)));
        var (root, meta) = tree.Write(repo);
        var loaded = MutableTree.FromDirTree(repo, root, meta);
        Assert.NotNull(loaded.FindDirectory(string.Join('/', Enumerable.Repeat("d", 20_000))));
    }

    private static void Write(string root, string relative, string content, uint mode)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(root, relative))!);
        OstreeTestTrees.Write(root, relative, content, mode);
    }

    private static uint UnixModeRegular(uint permissions) => (uint)PosixFileType.RegularFile | permissions;

    private static List<string> Files(MutableTree tree)
    {
        var result = new List<string>();
        var pending = new Stack<(MutableTree Tree, string Path)>();
        pending.Push((tree, string.Empty));
        while (pending.TryPop(out var item))
        {
            result.AddRange(item.Tree.Files.Keys.Select(n => item.Path + n));
            foreach (var (name, sub) in item.Tree.Directories)
            {
                pending.Push((sub, item.Path + name + "/"));
            }
        }

        return [.. result.Order(StringComparer.Ordinal)];
    }

    private string? Mount(string lower, string upper)
    {
        var work = _tmp.Combine("work");
        var merged = _tmp.Combine("merged");
        Directory.CreateDirectory(work);
        Directory.CreateDirectory(merged);
        var result = ExternalTool.Run("mount", ["-t", "overlay", "overlay", "-o", $"lowerdir={lower},upperdir={upper},workdir={work}", merged]);
        return result.ExitCode == 0 ? merged : null;
    }
}
