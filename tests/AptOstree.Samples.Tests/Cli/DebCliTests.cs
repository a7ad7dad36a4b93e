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
