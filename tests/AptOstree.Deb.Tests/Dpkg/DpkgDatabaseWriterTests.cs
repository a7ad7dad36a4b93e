using System.Security.Cryptography;
using AptOstree.Deb;
using AptOstree.Deb.Dpkg;
using AptOstree.Testing;

namespace AptOstree.Deb.Tests.Dpkg;

/// <summary>The dpkg database we write for packages unpacked without dpkg equals what <c>dpkg --unpack</c> writes.</summary>
public class DpkgDatabaseWriterTests
{
    // Real packages without a preinst (dpkg --force-script-chrootless would run it on this host), one Multi-Arch: same.
    private static readonly string[] RealPackages = ["base-files", "bash", "busybox", "ca-certificates", "coreutils", "dpkg", "hello", "libssl3", "mount"];

    [SkippableFact]
    public void Write_RealAndBuiltPackages_EqualsDpkgUnpack()
    {
        ExternalTool.Require("dpkg");
        using var tmp = new TempDirectory();
        var debs = RealPackages.Select(RealDebs.Get).ToList();
        debs.Add(BuildPackageWithoutMd5Sums(tmp.Combine("built_1.0_all.deb")));

        var records = debs.Select(Record).ToList();
        string ours = tmp.Combine("ours");
        DpkgDatabaseWriter.Write(ours, records);

        string root = tmp.Combine("root");
        string admin = Path.Combine(root, "var", "lib", "dpkg");
        Directory.CreateDirectory(Path.Combine(admin, "info"));
        Directory.CreateDirectory(Path.Combine(admin, "updates"));
        File.WriteAllText(Path.Combine(admin, "status"), string.Empty);
        ExternalTool.Run("dpkg", [$"--root={root}", "--force-script-chrootless", "--force-not-root", "--force-depends", "--unpack", .. debs])
            .EnsureSuccess("dpkg --unpack");

        Assert.Equal(File.ReadAllText(Path.Combine(admin, "status")), File.ReadAllText(Path.Combine(ours, "status")));
        AssertSameDirectory(Path.Combine(admin, "info"), Path.Combine(ours, "info"), compareModes: true);
        AssertSameDirectory(Path.Combine(admin, "triggers"), Path.Combine(ours, "triggers"), compareModes: false);
    }

    [SkippableFact]
    public void Write_UnpackedDatabase_DpkgQueryAndAuditAgree()
    {
        ExternalTool.Require("dpkg-query");
        using var tmp = new TempDirectory();
        var debs = new[] { RealDebs.Get("hello"), BuildPackageWithoutMd5Sums(tmp.Combine("built_1.0_all.deb")) };
        string admin = tmp.Combine("admin");
        DpkgDatabaseWriter.Write(admin, debs.Select(Record).ToList());

        var query = ExternalTool.Run("dpkg-query", [$"--admindir={admin}", "-W", "-f", "${Package} ${Version} ${db:Status-Abbrev}\n"]).EnsureSuccess("dpkg-query");
        Assert.Contains("hello 2.10-3 iU", query.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("built 1.0 iU", query.StandardOutput, StringComparison.Ordinal);
        var listed = ExternalTool.Run("dpkg-query", [$"--admindir={admin}", "-L", "built"]).EnsureSuccess("dpkg-query -L");
        Assert.Equal("/.\n/etc\n/etc/built.conf\n/usr\n/usr/bin\n/usr/bin/built\n", listed.StandardOutput);
        // dpkg --audit names unpacked packages as "not configured"; it must parse our database to say so.
        var audit = ExternalTool.Run("dpkg", [$"--admindir={admin}", "--audit"]);
        Assert.Contains("hello", audit.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("built", audit.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public void Format_ControlFieldsInAnyOrder_DpkgOrderCanonicalRelationsExtraFieldsLast()
    {
        var control = Deb822Paragraph.Parse("Description: d\n more\nX-Extra: 1\nVersion: 1\nDepends: a(>=1),  b | c\nPackage: p\nEssential: no\nMulti-Arch: no\nMaintainer: m\nFilename: pool/p.deb\nArchitecture: all\n");
        string stanza = DpkgStatusStanza.Format(control, "install ok unpacked");
        Assert.Equal("Package: p\nStatus: install ok unpacked\nMaintainer: m\nArchitecture: all\nVersion: 1\nDepends: a (>= 1), b | c\nDescription: d\n more\nX-Extra: 1\n\n", stanza);
    }

    internal static DpkgUnpackRecord Record(string debPath)
    {
        using var deb = DebPackage.Open(debPath);
        var names = new List<string>();
        var digests = new List<DebFileDigest>();
        var byName = new Dictionary<string, string>(StringComparer.Ordinal);
        using var data = deb.OpenData();
        while (data.GetNextEntry() is { } entry)
        {
            names.Add(entry.Name);
            if (entry.Type == TarArchiveEntryType.RegularFile)
            {
                string md5 = Convert.ToHexStringLower(MD5.HashData(data.DataStream ?? Stream.Null));
                byName[entry.Path] = md5;
                digests.Add(new DebFileDigest(md5, entry.Path));
            }
            else if (entry.Type == TarArchiveEntryType.HardLink && byName.TryGetValue(TarPath.Normalize(entry.LinkTarget!), out var target))
            {
                digests.Add(new DebFileDigest(target, entry.Path));
            }
        }

        return DpkgUnpackRecord.Create(deb.Control, names, digests);
    }

    private static string BuildPackageWithoutMd5Sums(string path)
    {
        new DebBuilder { GenerateMd5Sums = false }
            .SetControl("Package: built\nVersion: 1.0\nArchitecture: all\nMaintainer: me <me@example.org>\nX-Custom: kept\nDepends: libc6(>=2.0),  dpkg\nDescription: test\n long text\n")
            .AddControlFile("conffiles", "/etc/built.conf\n"u8.ToArray())
            .AddControlFile("triggers", "interest-noawait /usr/share/built\ninterest built-trigger\n"u8.ToArray())
            .AddMaintainerScript("postinst", "#!/bin/sh\nexit 0\n")
            .AddDirectory("./etc").AddFile("./etc/built.conf", "conf\n")
            .AddDirectory("./usr").AddDirectory("./usr/bin").AddFile("./usr/bin/built", "#!/bin/sh\n", 0x1ED)
            .Build(path);
        return path;
    }

    private static void AssertSameDirectory(string expected, string actual, bool compareModes)
    {
        var expectedNames = Directory.GetFiles(expected).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        var actualNames = Directory.GetFiles(actual).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expectedNames, actualNames);
        foreach (var name in expectedNames)
        {
            string e = Path.Combine(expected, name!), a = Path.Combine(actual, name!);
            Assert.True(File.ReadAllBytes(e).AsSpan().SequenceEqual(File.ReadAllBytes(a)), $"{name} differs:\n{File.ReadAllText(e)}\n--- ours ---\n{File.ReadAllText(a)}");
            if (compareModes)
            {
                Assert.True(new FileInfo(e).UnixFileMode == new FileInfo(a).UnixFileMode, $"{name}: mode {new FileInfo(a).UnixFileMode} instead of {new FileInfo(e).UnixFileMode}");
            }
        }
    }
}
