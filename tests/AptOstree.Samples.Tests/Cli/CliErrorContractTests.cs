using System.Text.RegularExpressions;
using AptOstree.Testing;

namespace AptOstree.Samples.Tests.Cli;

/// <summary>
/// The exit-code and error-line contract of every verb, as dpkg keeps it: 0 true, 1 false, 2 for a usage or runtime
/// error, with one `apt-ostree: error AOnnnn: …` line naming what went wrong.
/// </summary>
public partial class CliErrorContractTests
{
    [SkippableFact]
    public void CompareVersions_UsageErrors_ExitTwoLikeDpkgAndTrueFalseKeepZeroOne()
    {
        ExternalTool.Require("dpkg");
        string[][] cases =
        [
            ["1.0", "lt", "2.0"],            // true
            ["2.0", "lt", "1.0"],            // false
            ["1.0", "lt"],                   // missing argument
            ["1.0", "lt", "2.0", "extra"],   // one too many
            ["1.0", "frob", "2.0"],          // unknown relation
        ];
        foreach (var args in cases)
        {
            int dpkg = ExternalTool.Run("dpkg", ["--compare-versions", .. args]).ExitCode;
            var ours = SampleTools.AptOstree(["deb", "compare-versions", .. args]);
            Assert.True(dpkg == ours.ExitCode, $"{string.Join(' ', args)}: dpkg exits {dpkg}, we exit {ours.ExitCode}: {ours.StandardError}");
        }
    }

    [SkippableTheory]
    [InlineData("deb", "compare-versions", "--bogus", "1", "lt", "2")]
    [InlineData("deb", "info", "--bogus", "x.deb")]
    [InlineData("ostree", "fsck", "--repo=.", "--bogus")]
    [InlineData("ostree", "log", "--bogus", "main")]
    [InlineData("apt", "check", "--bogus")]
    [InlineData("admin", "status", "--bogus")]
    public void UnknownOption_AnyVerb_ExitsTwoNamingTheOption(params string[] args)
    {
        var result = SampleTools.AptOstree(args);
        Assert.Equal(2, result.ExitCode);
        var first = result.StandardError.Split('\n')[0];
        Assert.Equal($"apt-ostree: error {CoreErrorCodes.InvalidArgument}: Unrecognized option '--bogus'.", first);
        Assert.Contains($"Try 'apt-ostree {args[0]} {args[1]} --help'", result.StandardError, StringComparison.Ordinal);
        Assert.Empty(result.StandardOutput);
    }

    [Fact]
    public void DoubleDash_OptionLikeArgument_IsAnArgumentNotAnUnknownOption()
    {
        // After `--` a leading dash is data: here a version string, which dpkg's grammar then refuses (AO2358), not the parser.
        var result = SampleTools.AptOstree("deb", "compare-versions", "--", "-1", "lt", "1");
        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("apt-ostree: error AO2358:", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public void IoErrors_MissingOrUnreadableFiles_CarryAnAoCodeAndThePath()
    {
        using var tmp = new TempDirectory();
        File.WriteAllText(tmp.Combine("file"), "not a directory");
        (string[] Args, string Path)[] cases =
        [
            (["deb", "info", tmp.Combine("missing.deb")], tmp.Combine("missing.deb")),
            (["deb", "contents", tmp.Combine("no", "such", "dir.deb")], tmp.Combine("no", "such", "dir.deb")),
            (["ostree", "init", "--repo=" + tmp.Combine("file", "repo")], tmp.Combine("file", "repo")),
            (["ostree", "commit", "--repo=" + tmp.Combine("file"), "-b", "b", "--tree=tar=" + tmp.Combine("missing.tar")], tmp.Combine("file")),
        ];
        foreach (var (args, path) in cases)
        {
            var result = SampleTools.AptOstree(args);
            Assert.True(result.ExitCode == 2, $"{string.Join(' ', args)} exited {result.ExitCode}: {result.StandardError}");
            var lines = result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.True(lines.Length == 1, result.StandardError);
            Assert.Matches(ErrorLine(), lines[0]);
            Assert.Contains(path, lines[0], StringComparison.Ordinal);
        }
    }

    [Fact]
    public void EveryErrorLine_FailingInvocations_CarriesAnAoCode()
    {
        using var tmp = new TempDirectory();
        string[][] failing =
        [
            [],
            ["ostree"],
            ["ostree", "refs", "--repo=" + tmp.Combine("nothing")],
            ["ostree", "init", "--mode=bogus", "--repo=" + tmp.Combine("r")],
            ["ostree", "pull", "--repo=" + tmp.Combine("nothing"), "origin"],
            ["deb", "info", "/proc/self/status"],
            ["admin", "--sysroot=" + tmp.Combine("nothing"), "status"],
            ["apt", "resolve", "--lists=" + tmp.Path, "install", "hello"],
        ];
        foreach (var args in failing)
        {
            var result = SampleTools.AptOstree(args);
            Assert.True(result.ExitCode == 2, $"{string.Join(' ', args)} exited {result.ExitCode}: {result.StandardError}");
            var errors = result.StandardError.Split('\n').Where(l => l.StartsWith("apt-ostree:", StringComparison.Ordinal)).ToList();
            Assert.NotEmpty(errors);
            Assert.All(errors, line => Assert.Matches(ErrorLine(), line));
        }
    }

    [Fact]
    public void CliSources_ErrorLines_OnlyComeFromTheRunner()
    {
        // A verb reports an error by throwing AptOstreeException; CliRunner turns it into the one line with its code.
        string cli = Path.Combine(SampleTools.RepositoryRoot, "samples", "AptOstree.Cli");
        var offenders = Directory.EnumerateFiles(cli, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains("/obj/", StringComparison.Ordinal) && !f.Contains("/bin/", StringComparison.Ordinal))
            .Where(f => Path.GetFileName(f) != "CliRunner.cs" && File.ReadAllText(f).Contains("\"apt-ostree: error", StringComparison.Ordinal))
            .Select(f => Path.GetRelativePath(cli, f))
            .ToList();
        Assert.Empty(offenders);
    }

    [GeneratedRegex(@"^apt-ostree: error AO\d{4}: \S")]
    private static partial Regex ErrorLine();
}
