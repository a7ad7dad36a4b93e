using AptOstree.Testing;

namespace AptOstree.Samples.Tests.Cli;

/// <summary>`apt-ostree deb …` against dpkg-deb and dpkg as the oracle.</summary>
public class DebCliTests
{
    [SkippableTheory]
    [InlineData("info", "-I")]
    [InlineData("contents", "-c")]
    public void PrintsExactlyWhatDpkgDebPrints(string verb, string dpkgDebOption)
    {
        ExternalTool.Require("dpkg-deb");
        var deb = RealDebs.Get("hello");
        var expected = ExternalTool.Output("dpkg-deb", dpkgDebOption, deb);
        var result = SampleTools.AptOstree("deb", verb, deb);
        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Equal(expected, result.StandardOutput);
    }

    [SkippableFact]
    public void Extract_WritesTheSameTreeAsDpkgDebX()
    {
        ExternalTool.Require("dpkg-deb");
        var deb = RealDebs.Get("hello");
        using var tmp = new TempDirectory();
        var ours = tmp.Combine("ours");
        var theirs = tmp.Combine("theirs");
        var result = SampleTools.AptOstree("deb", "extract", deb, ours);
        Assert.True(result.ExitCode == 0, result.StandardError);
        ExternalTool.Output("dpkg-deb", "-x", deb, theirs);
        var expected = Describe(theirs);
        Assert.Contains(expected, l => l.StartsWith("f ./usr/bin/hello ", StringComparison.Ordinal));
        Assert.Equal(expected, Describe(ours));
    }

    [SkippableFact]
    public void ExtractAndContents_NamesThatAreNotUtf8AndHardLinkToSymlink_AsDpkgDeb()
    {
        ExternalTool.Require("dpkg-deb");
        using var tmp = new TempDirectory();
        var tree = tmp.Combine("pkg");
        var deb = tmp.Combine("names.deb");

        // Names as bytes (caf\xe9 and caf\xe8 are two files), a tab, and a hard link to a symlink; dpkg-deb builds the package.
        ExternalTool.Run("sh", ["-c", """
            set -e; mkdir -p "$1/DEBIAN" "$1/usr/share/n"; cd "$1"
            printf 'Package: names\nVersion: 1\nArchitecture: all\nMaintainer: T <t@example.org>\nDescription: names\n' > DEBIAN/control
            printf acute > "usr/share/n/$(printf 'caf\351')"; printf grave > "usr/share/n/$(printf 'caf\350')"
            printf tab > "usr/share/n/$(printf 'a\tb')"; ln -s "$(printf 'caf\351')" usr/share/n/sym; ln -P usr/share/n/sym usr/share/n/hard
            dpkg-deb --root-owner-group -b "$1" "$2" >/dev/null
            """, "sh", tree, deb]).EnsureSuccess("dpkg-deb -b");

        var contents = SampleTools.AptOstree("deb", "contents", deb);
        Assert.True(contents.ExitCode == 0, contents.StandardError);
        Assert.Equal(ExternalTool.Output("dpkg-deb", "-c", deb), contents.StandardOutput);
        Assert.Contains(@"./usr/share/n/caf\351", contents.StandardOutput, StringComparison.Ordinal);

        var ours = tmp.Combine("ours");
        var theirs = tmp.Combine("theirs");
        var result = SampleTools.AptOstree("deb", "extract", deb, ours);
        Assert.True(result.ExitCode == 0, result.StandardError);
        ExternalTool.Output("dpkg-deb", "-x", deb, theirs);
        const string Listing = "cd \"$1\" && LC_ALL=C ls -bRl --time-style=+%s . && find . -type f -print0 | sort -z | xargs -0 cat | md5sum";
        var expected = ExternalTool.Output("sh", "-c", Listing, "sh", theirs);
        Assert.Contains(@"caf\350", expected, StringComparison.Ordinal);
        Assert.Contains(@"caf\351", expected, StringComparison.Ordinal);
        Assert.Equal(expected, ExternalTool.Output("sh", "-c", Listing, "sh", ours));
    }

    [SkippableFact]
    public void Build_WritesAPackageDpkgDebReads()
    {
        ExternalTool.Require("dpkg-deb");
        using var tmp = new TempDirectory();
        var tree = tmp.Combine("pkg");
        Directory.CreateDirectory(Path.Combine(tree, "DEBIAN"));
        Directory.CreateDirectory(Path.Combine(tree, "usr", "share", "doc", "aotest"));
        File.WriteAllText(Path.Combine(tree, "DEBIAN", "control"),
            "Package: aotest\nVersion: 1.2-3\nArchitecture: all\nMaintainer: Test <test@example.org>\nDescription: test package\n built by apt-ostree deb build\n");
        File.WriteAllText(Path.Combine(tree, "usr", "share", "doc", "aotest", "README"), "hello from aotest\n");
        var deb = tmp.Combine("aotest_1.2-3_all.deb");

        var result = SampleTools.AptOstree("deb", "build", tree, deb);
        Assert.True(result.ExitCode == 0, result.StandardError);

        ExternalTool.Output("dpkg-deb", "-I", deb);
        Assert.Equal("aotest", ExternalTool.Output("dpkg-deb", "-f", deb, "Package").Trim());
        Assert.Equal("1.2-3", ExternalTool.Output("dpkg-deb", "-f", deb, "Version").Trim());
        Assert.Contains("./usr/share/doc/aotest/README", ExternalTool.Output("dpkg-deb", "-c", deb), StringComparison.Ordinal);
        var extracted = tmp.Combine("x");
        ExternalTool.Output("dpkg-deb", "-x", deb, extracted);
        Assert.Equal("hello from aotest\n", File.ReadAllText(Path.Combine(extracted, "usr", "share", "doc", "aotest", "README")));
    }

    [SkippableFact]
    public void Build_SymlinkedControlFilesSocketAndOutputDirectory_AcceptedAsDpkgDebDoes()
    {
        ExternalTool.Require("dpkg-deb", "python3");
        using var tmp = new TempDirectory();
        var tree = tmp.Combine("pkg");
        ExternalTool.Run("sh", ["-c", """
            set -e; mkdir -p "$1/DEBIAN" "$1/usr/share/doc/dd" "$2" "$3"
            printf 'Package: dd\nVersion: 1:2.0-1\nArchitecture: all\nMaintainer: T <t@example.org>\nDescription: d\n' > "$1/DEBIAN/control.real"
            ln -s control.real "$1/DEBIAN/control"; printf '#!/bin/sh\n' > "$1/DEBIAN/postinst.real"; chmod 755 "$1/DEBIAN/postinst.real"
            ln -s postinst.real "$1/DEBIAN/postinst"; printf doc > "$1/usr/share/doc/dd/README"
            python3 -c 'import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$1/usr/share/doc/dd/sock"
            """, "sh", tree, tmp.Combine("ours"), tmp.Combine("theirs")]).EnsureSuccess("make the tree");

        var result = SampleTools.AptOstree("deb", "build", "--root-owner-group", tree, tmp.Combine("ours"));
        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Contains("socket ignored", result.StandardError, StringComparison.Ordinal);
        ExternalTool.Output("dpkg-deb", "--root-owner-group", "-b", tree, tmp.Combine("theirs"));
        var name = Assert.Single(Directory.GetFiles(tmp.Combine("theirs")).Select(Path.GetFileName));
        Assert.Equal("dd_2.0-1_all.deb", name);
        var ours = Path.Combine(tmp.Combine("ours"), name!);
        Assert.True(File.Exists(ours));
        Assert.Equal("#!/bin/sh\n", ExternalTool.Output("sh", "-c", "dpkg-deb --ctrl-tarfile \"$1\" | tar -xOf - ./postinst", "sh", ours));
        Assert.Equal(Names(Path.Combine(tmp.Combine("theirs"), name!)), Names(ours));

        static string Names(string deb) => string.Join('\n', ExternalTool.Output("dpkg-deb", "-c", deb).Split('\n').Select(l => System.Text.RegularExpressions.Regex.Replace(l, @"^.*? [0-9]{2}:[0-9]{2} ", string.Empty)));
    }

    [SkippableFact]
    public void Build_HardLinkToSymlink_StoredAsAHardLinkAsDpkgDebDoes()
    {
        ExternalTool.Require("dpkg-deb");
        using var tmp = new TempDirectory();
        var tree = tmp.Combine("pkg");
        ExternalTool.Run("sh", ["-c", """
            set -e; mkdir -p "$1/DEBIAN" "$1/usr/lib"
            printf 'Package: hl\nVersion: 1\nArchitecture: all\nMaintainer: T <t@example.org>\nDescription: d\n' > "$1/DEBIAN/control"
            ln -s target "$1/usr/lib/b"; ln "$1/usr/lib/b" "$1/usr/lib/a"; printf x > "$1/usr/lib/f"; ln "$1/usr/lib/f" "$1/usr/lib/g"
            """, "sh", tree]).EnsureSuccess("make the tree");
        var ours = tmp.Combine("ours.deb");
        var theirs = tmp.Combine("theirs.deb");

        var result = SampleTools.AptOstree("deb", "build", "--root-owner-group", tree, ours);
        Assert.True(result.ExitCode == 0, result.StandardError);
        ExternalTool.Output("dpkg-deb", "--root-owner-group", "-b", tree, theirs);

        var expected = Listing(theirs);
        Assert.Contains("./usr/lib/b link to ./usr/lib/a", expected, StringComparison.Ordinal);
        Assert.Equal(expected, Listing(ours));
        ExternalTool.Output("dpkg-deb", "-x", ours, tmp.Combine("x"));
        Assert.Equal("2 a -> target", ExternalTool.Output("sh", "-c", "cd \"$1/usr/lib\" && stat -c '%h %N' a | tr -d \"'\"", "sh", tmp.Combine("x")).Trim());

        // Mode, owner, size and name columns (the date is the build time), sorted: dpkg-deb puts symlinks last, we sort
        // all entries by name (GNU tar then restores directory times as our extraction does).
        static string Listing(string deb) => string.Join('\n', ExternalTool.Output("dpkg-deb", "-c", deb).Split('\n').Select(l => System.Text.RegularExpressions.Regex.Replace(l, @" [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2} ", " ")).Order(StringComparer.Ordinal));
    }

    [SkippableTheory]
    [InlineData("1.0~rc1", "lt", "1.0")]
    [InlineData("1.0~rc1", "gt", "1.0")]
    [InlineData("1:0.9", "gt", "2.0")]
    [InlineData("1.0-1", "eq", "1.0-1")]
    [InlineData("1.0+b1", "le", "1.0")]
    [InlineData("2.0", "ge", "2.0-0")]
    public void CompareVersions_ExitsLikeDpkg(string a, string op, string b)
    {
        ExternalTool.Require("dpkg");
        var expected = ExternalTool.Run("dpkg", ["--compare-versions", a, op, b]).ExitCode;
        Assert.True(expected is 0 or 1, $"dpkg exited {expected}");
        Assert.Equal(expected, SampleTools.AptOstree("deb", "compare-versions", a, op, b).ExitCode);
    }

    [Fact]
    public void CompareVersions_RcIsBeforeRelease()
    {
        Assert.Equal(0, SampleTools.AptOstree("deb", "compare-versions", "1.0~rc1", "lt", "1.0").ExitCode);
        Assert.Equal(1, SampleTools.AptOstree("deb", "compare-versions", "1.0~rc1", "gt", "1.0").ExitCode);
    }

    [Theory]
    [InlineData("info")]
    [InlineData("contents")]
    [InlineData("extract")]
    public void GarbageFile_OneLineErrorAndExitCode2(string verb)
    {
        using var tmp = new TempDirectory();
        var garbage = tmp.Combine("garbage.deb");
        File.WriteAllText(garbage, "this is not an ar archive\n");
        var result = verb == "extract" ? SampleTools.AptOstree("deb", verb, garbage, tmp.Combine("x")) : SampleTools.AptOstree("deb", verb, garbage);
        Assert.Equal(2, result.ExitCode);
        var lines = result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, result.StandardError);
        Assert.StartsWith("apt-ostree: error AO2", lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.StandardError, StringComparison.Ordinal);
    }

    /// <summary>Every entry below <paramref name="root"/>: type, relative path, and size (files) or target (symlinks).</summary>
    private static List<string> Describe(string root)
    {
        var lines = new List<string>();
        foreach (var entry in new DirectoryInfo(root).EnumerateFileSystemInfos("*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }))
        {
            var rel = "./" + Path.GetRelativePath(root, entry.FullName);
            lines.Add(entry switch
            {
                _ when entry.LinkTarget is { } target => $"l {rel} -> {target}",
                DirectoryInfo => $"d {rel}",
                FileInfo f => $"f {rel} {f.Length} {Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(f.FullName)))} {Convert.ToString((int)f.UnixFileMode, 8)}",
                _ => $"? {rel}",
            });
        }

        lines.Sort(StringComparer.Ordinal);
        return lines;
    }
}
