using AptOstree.Deb.Tests.Package;
using AptOstree.Posix;
using AptOstree.Testing;

namespace AptOstree.Deb.Tests.Building;

/// <summary>Packages we build must be accepted by dpkg-deb and installed by dpkg, with the tree we asked for.</summary>
public sealed class DebBuilderTests : IDisposable
{
    private static readonly string LongDir = string.Join('/', Enumerable.Range(0, 8).Select(i => $"long-directory-name-{i:D2}"));
    private readonly TempDirectory _temp = new("debarchive-build-");

    public void Dispose() => _temp.Dispose();

    [SkippableTheory]
    [InlineData(DebCompression.Xz)]
    [InlineData(DebCompression.Zstd)]
    [InlineData(DebCompression.Gzip)]
    [InlineData(DebCompression.None)]
    public void Dpkg_deb_reads_what_we_build(DebCompression compression)
    {
        ExternalTool.Require("dpkg-deb");
        var deb = _temp.Combine("rich.deb");
        RichPackage(compression).Build(deb);

        var info = ExternalTool.Output("dpkg-deb", "-f", deb, "Package", "Version");
        Assert.Contains("Package: aptostree-rich", info);
        Assert.Contains("Version: 2.1-3", info);
        var info2 = ExternalTool.Output("dpkg-deb", "-I", deb);
        Assert.Contains("postinst", info2);
        var listing = ExternalTool.Output("dpkg-deb", "-c", deb);
        Assert.Contains("./usr/bin/hello", listing);
        Assert.Contains($"./{LongDir}/file-with-a-rather-long-name-as-well.txt", listing);
        Assert.Contains("-rwsr-xr-x root/root", listing);
        Assert.Contains("./usr/bin/hi -> hello", listing);
        Assert.Contains("./usr/bin/hello-again link to ./usr/bin/hello", listing);

        // dpkg-deb -x and our extractor produce the same tree from our package.
        var theirs = _temp.Combine("x-dpkg");
        var ours = _temp.Combine("x-ours");
        Directory.CreateDirectory(theirs);
        var started = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        ExternalTool.Output("dpkg-deb", "-x", deb, theirs);
        Dictionary<string, long> archiveTimes;
        using (var pkg = DebPackage.Open(deb))
        {
            pkg.ExtractTo(ours);
            archiveTimes = pkg.GetDataEntries().GroupBy(e => e.Path.Length == 0 ? "." : e.Path).ToDictionary(g => g.Key, g => g.Last().ModificationTime.ToUnixTimeSeconds());
            Assert.Equal(compression, pkg.DataMember.Compression);
            Assert.Equal("aptostree-rich", pkg.Control.ControlText.Split('\n')[0]["Package: ".Length..]);
            Assert.Contains(pkg.Control.Md5Sums, d => d.Path == "usr/bin/hello");
            Assert.DoesNotContain(pkg.Control.Md5Sums, d => d.Path == "etc/rich.conf");
            Assert.Equal(["/etc/rich.conf"], pkg.Control.Conffiles.Select(c => c.Path));
        }

        var owners = LibcPosixFileSystem.IsRoot;
        var (expected, actual) = (TreeSnapshot.Take(theirs, owners), TreeSnapshot.Take(ours, owners));
        TreeSnapshot.ForgiveTarDirectoryTimes(expected, actual, archiveTimes, started);
        var diff = TreeSnapshot.Diff(expected, actual);
        Assert.True(diff.Length == 0, diff);
    }

    [SkippableFact]
    public void Dpkg_installs_what_we_build_and_runs_its_postinst()
    {
        ExternalTool.Require("dpkg");
        Skip.IfNot(LibcPosixFileSystem.IsRoot, "dpkg --root installs need root here");
        var deb = _temp.Combine("rich.deb");
        RichPackage(DebCompression.Xz).Build(deb);
        var root = DpkgInstall(deb);
        Assert.Equal("hello\n", File.ReadAllText(Path.Combine(root, "usr/bin/hello")));
        Assert.True(File.Exists(Path.Combine(root, "postinst-ran")));
        Assert.True(File.Exists(Path.Combine(root, LongDir, "file-with-a-rather-long-name-as-well.txt")));
        var status = File.ReadAllText(Path.Combine(root, "var/lib/dpkg/status"));
        Assert.Contains("Package: aptostree-rich", status);
        Assert.Contains("Status: install ok installed", status);
        var verify = ExternalTool.Run("dpkg", ["--root=" + root, "--verify", "aptostree-rich"]);
        Assert.True(verify.ExitCode == 0, verify.StandardOutput + verify.StandardError);
    }

    [SkippableFact]
    public void Extended_attributes_need_an_opt_in_because_dpkg_cannot_install_pax_headers()
    {
        ExternalTool.Require("dpkg");
        Skip.IfNot(LibcPosixFileSystem.IsRoot, "dpkg --root installs need root here");
        var withXattr = new DebBuildEntry
        {
            Path = "usr/bin/capable",
            Type = TarArchiveEntryType.RegularFile,
            Content = "#!/bin/sh\n"u8.ToArray(),
            Permissions = 0x1ED,
            ExtendedAttributes = new Dictionary<string, ReadOnlyMemory<byte>> { ["user.binary"] = new byte[] { 0, 0xFF, 1 } },
        };
        DebBuilder Package(bool allow) => new DebBuilder { AllowExtendedAttributes = allow, Timestamp = DateTimeOffset.FromUnixTimeSeconds(1_750_000_000) }
            .SetControlFields([
                new("Package", "aptostree-xattr"),
                new("Version", "1.0"),
                new("Architecture", "all"),
                new("Maintainer", "AptOstree Tests <tests@example.invalid>"),
                new("Description", "entries with extended attributes"),
            ]);

        var refused = Assert.Throws<AptOstreeException>(() => Package(allow: false).AddEntry(withXattr));
        Assert.Equal(DebErrorCodes.InvalidBuildInput, refused.ErrorCode);
        Assert.Contains("usr/bin/capable", refused.Message);

        // Why the default refuses: dpkg-deb lists the package, but dpkg's own tar reader rejects the pax header.
        var deb = _temp.Combine("xattr.deb");
        Package(allow: true).AddEntry(withXattr).Build(deb);
        Assert.Contains("./usr/bin/capable", ExternalTool.Output("dpkg-deb", "-c", deb));
        var root = PrepareDpkgRoot("xattr");
        var result = ExternalTool.Run("dpkg", ["--root=" + root, "--log=/dev/null", "--force-unsafe-io", "--unpack", deb]);
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("PAX", result.StandardError + result.StandardOutput, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(root, "usr/bin/capable")));
    }

    [SkippableFact]
    public void From_directory_matches_dpkg_deb_build()
    {
        ExternalTool.Require("dpkg-deb");
        var tree = _temp.Combine("tree");
        Directory.CreateDirectory(Path.Combine(tree, "DEBIAN"));
        File.WriteAllText(Path.Combine(tree, "DEBIAN/control"), "Package: fromdir\nVersion: 1\nArchitecture: all\nMaintainer: T <t@example.invalid>\nDescription: d\n");
        Directory.CreateDirectory(Path.Combine(tree, "usr/share/doc/fromdir"));
        File.WriteAllText(Path.Combine(tree, "usr/share/doc/fromdir/README"), "read me\n");
        File.WriteAllText(Path.Combine(tree, "usr/share/doc/fromdir/a"), "linked\n");
        LibcPosixFileSystem.Instance.CreateHardLink(Path.Combine(tree, "usr/share/doc/fromdir/a"), Path.Combine(tree, "usr/share/doc/fromdir/b"));
        File.CreateSymbolicLink(Path.Combine(tree, "usr/share/doc/fromdir/c"), "a");
        ExternalTool.Output("chmod", "-R", "go-w", tree);
        ExternalTool.Output("touch", "-h", "-d", "@1600000000", Path.Combine(tree, "usr/share/doc/fromdir/c"));

        var ourDeb = _temp.Combine("ours.deb");
        var builder = DebBuilder.FromDirectory(tree, rootOwnerGroup: true);
        builder.GenerateMd5Sums = false;
        builder.Timestamp = DateTimeOffset.UtcNow.AddDays(1);
        builder.Build(ourDeb);
        var theirDeb = _temp.Combine("theirs.deb");
        ExternalTool.Output("dpkg-deb", "--root-owner-group", "-Zxz", "-b", tree, theirDeb);

        var a = _temp.Combine("a");
        var b = _temp.Combine("b");
        Directory.CreateDirectory(a);
        Directory.CreateDirectory(b);
        ExternalTool.Output("dpkg-deb", "-x", ourDeb, a);
        ExternalTool.Output("dpkg-deb", "-x", theirDeb, b);
        var diff = TreeSnapshot.Diff(TreeSnapshot.Take(b, true), TreeSnapshot.Take(a, true));
        Assert.True(diff.Length == 0, diff);
        Assert.Equal(ExternalTool.Output("dpkg-deb", "-f", theirDeb), ExternalTool.Output("dpkg-deb", "-f", ourDeb));
    }

    [SkippableFact]
    public void From_directory_member_order_matches_dpkg_deb()
    {
        ExternalTool.Require("dpkg-deb", "tar", "sh");
        var fs = LibcPosixFileSystem.Instance;
        var tree = _temp.Combine("order-tree");
        Directory.CreateDirectory(Path.Combine(tree, "DEBIAN"));
        File.WriteAllText(Path.Combine(tree, "DEBIAN/control"), "Package: order\nVersion: 1\nArchitecture: all\nMaintainer: T <t@example.invalid>\nDescription: d\n");
        // A walk and a sort of full paths differ ("a-b" < "a/x" but the directory "a" comes first), upper case sorts
        // before lower case, symlinks (to files, to directories, dangling, hard-linked) go last in walk order.
        foreach (var dir in new[] { "a/x", "a-b", "usr/bin", "usr/lib/B", "usr/lib/a", "z/empty", "Z" })
        {
            Directory.CreateDirectory(Path.Combine(tree, dir));
        }

        foreach (var file in new[] { "a/x/f", "a-b/f", "a.txt", "usr/bin/tool", "usr/bin/Tool", "usr/lib/B/lib.so.1", "usr/lib/a/data", "Z/f" })
        {
            File.WriteAllText(Path.Combine(tree, file), file + "\n");
        }

        File.CreateSymbolicLink(Path.Combine(tree, "0link"), "usr/bin/tool");
        File.CreateSymbolicLink(Path.Combine(tree, "usr/lib/B/lib.so"), "lib.so.1");
        File.CreateSymbolicLink(Path.Combine(tree, "usr/lib/Alias"), "a");
        File.CreateSymbolicLink(Path.Combine(tree, "a/x/dangling"), "/nowhere");
        fs.CreateHardLink(Path.Combine(tree, "usr/lib/B/lib.so"), Path.Combine(tree, "a/x/hardlinked-symlink"));
        fs.CreateHardLink(Path.Combine(tree, "usr/lib/a/data"), Path.Combine(tree, "a-b/hard"));
        fs.CreateHardLink(Path.Combine(tree, "usr/bin/tool"), Path.Combine(tree, "z/tool-link"));
        ExternalTool.Output("chmod", "-R", "go-w", tree);

        var ourDeb = _temp.Combine("order-ours.deb");
        DebBuilder.FromDirectory(tree, rootOwnerGroup: true).Build(ourDeb);
        var theirDeb = _temp.Combine("order-theirs.deb");
        ExternalTool.Output("dpkg-deb", "--root-owner-group", "-b", tree, theirDeb);

        // Names in archive order, and which member carries each hard-linked content (tar -tv: "NAME link to TARGET").
        string Members(string deb) => ExternalTool.Output("sh", "-c", "dpkg-deb --fsys-tarfile \"$1\" | tar -t", "sh", deb);
        string Links(string deb) => string.Join('\n', ExternalTool.Output("sh", "-c", "dpkg-deb --fsys-tarfile \"$1\" | tar -tv", "sh", deb)
            .Split('\n').Where(l => l.Contains(" link to ", StringComparison.Ordinal)).Select(l => l[(l.IndexOf(" ./", StringComparison.Ordinal) + 1)..]));
        Assert.Equal(Members(theirDeb), Members(ourDeb));
        Assert.Equal(Links(theirDeb), Links(ourDeb));
        Assert.Contains("./usr/lib/B/lib.so link to ./a/x/hardlinked-symlink", Links(ourDeb), StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_control_and_bad_paths_are_refused()
    {
        Assert.Throws<AptOstreeException>(() => new DebBuilder().AddFile("x", "y").Build(new MemoryStream()));
        Assert.Throws<AptOstreeException>(() => new DebBuilder().AddFile("../x", "y"));
        var dangling = new DebBuilder().SetControl("Package: x\n").AddHardLink("a", "missing");
        var ex = Assert.Throws<AptOstreeException>(() => dangling.Build(new MemoryStream()));
        Assert.Equal(DebErrorCodes.InvalidBuildInput, ex.ErrorCode);
    }

    [Fact]
    public void Hard_link_that_sorts_before_its_target_still_precedes_its_content()
    {
        var builder = TestDebs.Create("order").AddFile("z/target", "content").AddHardLink("a/link", "z/target");
        var ms = new MemoryStream();
        builder.Build(ms);
        ms.Position = 0;
        using var pkg = DebPackage.Open(ms);
        var entries = pkg.GetDataEntries();
        var link = entries.Single(e => e.Type == TarArchiveEntryType.HardLink);
        var file = entries.Single(e => e.Type == TarArchiveEntryType.RegularFile && e.Path is "a/link" or "z/target");
        Assert.True(entries.ToList().IndexOf(file) < entries.ToList().IndexOf(link));
        Assert.Equal(file.Path, TarPath.Normalize(link.LinkTarget!));
    }

    [Fact]
    public void Test_debs_helper_builds_readable_packages()
    {
        var bytes = TestDebs.Build("helper", "3.0", extraFields: [new("Depends", "libc6 (>= 2.36)")], files: new Dictionary<string, string> { ["usr/share/helper/x"] = "x" }, scripts: new Dictionary<string, string> { ["postinst"] = "#!/bin/sh\nexit 0\n" });
        using var pkg = DebPackage.Open(new MemoryStream(bytes));
        Assert.Contains("Depends: libc6 (>= 2.36)", pkg.Control.ControlText);
        Assert.True(pkg.Control.MaintainerScripts.ContainsKey("postinst"));
        Assert.Equal(0x1EDu, pkg.Control.MaintainerScripts["postinst"].Permissions);
        Assert.Contains(pkg.GetDataEntries(), e => e.Path == "usr/share/helper/x");
    }

    /// <summary>Installs <paramref name="deb"/> with <c>dpkg -i</c> into a fresh root and returns the root.</summary>
    private string DpkgInstall(string deb)
    {
        var root = PrepareDpkgRoot(Path.GetFileNameWithoutExtension(deb));
        var result = ExternalTool.Run("dpkg", ["--root=" + root, "--log=/dev/null", "--force-script-chrootless", "--force-unsafe-io", "-i", deb]);
        Assert.True(result.ExitCode == 0, result.StandardError + result.StandardOutput);
        return root;
    }

    /// <summary>An empty root with the dpkg database directories dpkg --root needs.</summary>
    private string PrepareDpkgRoot(string name)
    {
        var root = _temp.Combine("root-" + name);
        foreach (var d in new[] { "var/lib/dpkg/info", "var/lib/dpkg/updates", "var/lib/dpkg/triggers" })
        {
            Directory.CreateDirectory(Path.Combine(root, d));
        }

        File.WriteAllText(Path.Combine(root, "var/lib/dpkg/status"), string.Empty);
        return root;
    }

    private static DebBuilder RichPackage(DebCompression compression) =>
        new DebBuilder { Compression = compression, Timestamp = DateTimeOffset.FromUnixTimeSeconds(1_750_000_000) }
            .SetControlFields([
                new("Package", "aptostree-rich"),
                new("Version", "2.1-3"),
                new("Architecture", "all"),
                new("Maintainer", "AptOstree Tests <tests@example.invalid>"),
                new("Description", "rich test package\nwith several kinds of entries."),
            ])
            .AddMaintainerScript("postinst", "#!/bin/sh\nset -e\ntouch \"$DPKG_ROOT/postinst-ran\"\n")
            .AddControlFile("conffiles", "/etc/rich.conf\n"u8.ToArray())
            .AddFile("etc/rich.conf", "key=value\n")
            .AddFile("usr/bin/hello", "hello\n", 0x9ED)
            .AddHardLink("usr/bin/hello-again", "usr/bin/hello")
            .AddSymbolicLink("usr/bin/hi", "hello")
            .AddDirectory("var/lib/rich", 0x1C0)
            .AddFile($"{LongDir}/file-with-a-rather-long-name-as-well.txt", "long\n")
            .AddEntry(new DebBuildEntry { Path = "usr/share/rich/old", Type = TarArchiveEntryType.RegularFile, Content = "old\n"u8.ToArray(), ModificationTime = DateTimeOffset.FromUnixTimeSeconds(1_000_000_000) });
}
