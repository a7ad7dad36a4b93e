using AptOstree.Posix;
using AptOstree.Testing;

namespace AptOstree.Deb.Tests.Package;

/// <summary>Extraction of real Debian packages must equal <c>dpkg-deb -x</c> on the same file.</summary>
public sealed class DebPackageRealPackageTests
{
    public static TheoryData<string> Packages => new()
    {
        "perl-base", "libc6", "coreutils", "bash", "tzdata", "base-files", "dpkg", "busybox", "git", "passwd",
        "mount", "sudo", "util-linux", "libssl3", "python3.11-minimal", "apt", "tar", "openssh-client",
        "ca-certificates", "systemd", "iputils-ping", "libllvm15", "linux-headers-*-common",
    };

    [SkippableTheory]
    [MemberData(nameof(Packages))]
    public void ExtractTo_equals_dpkg_deb_x(string package)
    {
        ExternalTool.Require("dpkg-deb");
        var deb = RealDebs.Get(Resolve(package));
        using var temp = new TempDirectory("debarchive-real-");
        var theirs = temp.Combine("dpkg");
        var ours = temp.Combine("ours");
        Directory.CreateDirectory(theirs);
        var started = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        ExternalTool.Run("dpkg-deb", ["-x", deb, theirs]).EnsureSuccess("dpkg-deb -x");

        Dictionary<string, long> archiveTimes;
        using (var pkg = DebPackage.Open(deb))
        {
            pkg.ExtractTo(ours);
            archiveTimes = pkg.GetDataEntries().GroupBy(e => e.Path.Length == 0 ? "." : e.Path).ToDictionary(g => g.Key, g => g.Last().ModificationTime.ToUnixTimeSeconds());
        }

        var owners = LibcPosixFileSystem.IsRoot;
        var expected = TreeSnapshot.Take(theirs, owners);
        var actual = TreeSnapshot.Take(ours, owners);
        TreeSnapshot.ForgiveTarDirectoryTimes(expected, actual, archiveTimes, started);
        var diff = TreeSnapshot.Diff(expected, actual);
        Assert.True(diff.Length == 0, $"{Path.GetFileName(deb)} differs from dpkg-deb -x:\n{diff}");
        Assert.True(expected.Count > 5, "the package should have content");
    }

    [SkippableFact]
    public void Perl_base_has_hard_links_and_they_are_reproduced()
    {
        var deb = RealDebs.Get("perl-base");
        using var pkg = DebPackage.Open(deb);
        Assert.Contains(pkg.GetDataEntries(), e => e.Type == TarArchiveEntryType.HardLink);
    }

    /// <summary>Resolves a pattern like linux-headers-*-common through the current kernel metapackage's dependencies.</summary>
    internal static string Resolve(string package)
    {
        if (!package.Contains('*'))
        {
            return package;
        }

        ExternalTool.Require("apt-cache");
        var arch = ExternalTool.Output("dpkg", "--print-architecture").Trim();
        var depends = ExternalTool.Output("apt-cache", "depends", "--no-recommends", "--no-suggests", $"linux-headers-{arch}");
        var headers = depends.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("Depends: linux-headers-", StringComparison.Ordinal)).Select(l => l["Depends: ".Length..]).FirstOrDefault();
        Skip.If(headers is null, $"cannot resolve {package} via linux-headers-{arch}");
        var common = ExternalTool.Output("apt-cache", "depends", "--no-recommends", "--no-suggests", headers!).Split('\n')
            .Select(l => l.Trim()).Where(l => l.StartsWith("Depends: linux-headers-", StringComparison.Ordinal) && l.EndsWith("-common", StringComparison.Ordinal))
            .Select(l => l["Depends: ".Length..]).FirstOrDefault();
        Skip.If(common is null, $"cannot resolve {package} from {headers}");
        return common!;
    }
}
