using System.Security.Cryptography;
using AptOstree.Deb.Apt;
using AptOstree.Deb.Solver;
using AptOstree.Testing;

// MD5 and SHA-1 here are the Packages index fields APT compares, not a security choice.
#pragma warning disable CA5350, CA5351

namespace AptOstree.Deb.Tests.Apt;

/// <summary>
/// <c>apt download</c> against the real <c>apt-get download</c> on a local repository: the file names it gives, the
/// index entries it refuses (no strong hash, a wrong weak hash), and file names that would leave the directory.
/// </summary>
public sealed class PackageDownloaderTests
{
    [SkippableFact]
    public async Task DownloadAsync_EpochUnderscoreAndTilde_NamesTheFileAsAptGetDownload()
    {
        using var sandbox = new AptGetSandbox();
        byte[] deb = RandomNumberGenerator.GetBytes(900);
        sandbox.AddPoolFile("odd.deb", deb);
        sandbox.Publish($"Package: odd\nVersion: 2:1.0~rc1+x_y%z\nArchitecture: all\nFilename: pool/odd.deb\n{AptGetSandbox.FileFields(deb)}Description: x\n\n");

        string aptOut = sandbox.NewDirectory("apt-out");
        sandbox.AptGet(aptOut, "download", "odd").EnsureSuccess("apt-get download");
        string expected = Path.GetFileName(Assert.Single(Directory.GetFiles(aptOut)));

        var universe = AptListsDirectory.LoadUniverse(sandbox.Lists, statusFile: null, "amd64", [], [sandbox.Source]);
        string ours = sandbox.NewDirectory("ours");
        var files = await new PackageDownloader().DownloadAsync([universe.Packages.Single(p => p.Name == "odd")], ours);

        Assert.Equal("odd_2%3a1.0~rc1+x%5fy%25z_all.deb", expected);
        Assert.Equal(Path.Combine(ours, expected), Assert.Single(files));
        Assert.Equal(deb, File.ReadAllBytes(files[0]));
    }

    [SkippableFact]
    public async Task DownloadAsync_OnlyMd5AndSha1InTheIndex_RefusedAsAptGetDownloadRefuses()
    {
        using var sandbox = new AptGetSandbox();
        byte[] deb = RandomNumberGenerator.GetBytes(700);
        sandbox.AddPoolFile("weak.deb", deb);
        sandbox.Publish($"Package: weak\nVersion: 1.0\nArchitecture: all\nFilename: pool/weak.deb\n{AptGetSandbox.FileFields(deb, md5: true, sha1: true, sha256: false)}Description: x\n\n");

        string aptOut = sandbox.NewDirectory("apt-out");
        var apt = sandbox.AptGet(aptOut, "download", "weak");
        Assert.NotEqual(0, apt.ExitCode);
        Assert.Contains("Insufficient information available to perform this download securely", apt.StandardError + apt.StandardOutput, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(aptOut));

        var universe = AptListsDirectory.LoadUniverse(sandbox.Lists, statusFile: null, "amd64", [], [sandbox.Source]);
        string ours = sandbox.NewDirectory("ours");
        var ex = await Assert.ThrowsAsync<AptException>(() => new PackageDownloader().DownloadAsync([universe.Packages.Single(p => p.Name == "weak")], ours));
        Assert.Equal(AptErrorCodes.InsecureIndexEntry, ex.ErrorCode);
        Assert.Empty(Directory.GetFiles(ours, "*", SearchOption.AllDirectories));
    }

    [SkippableTheory]
    [InlineData("MD5sum")]
    [InlineData("SHA1")]
    public async Task DownloadAsync_WrongWeakHashBesideRightSha256_RefusedAsAptGetDownloadRefuses(string field)
    {
        using var sandbox = new AptGetSandbox();
        byte[] deb = RandomNumberGenerator.GetBytes(800);
        sandbox.AddPoolFile("mixed.deb", deb);
        string fields = AptGetSandbox.FileFields(deb, md5: field == "MD5sum", sha1: field == "SHA1", sha256: true)
            .Replace($"{field}: {(field == "MD5sum" ? Convert.ToHexStringLower(MD5.HashData(deb)) : Convert.ToHexStringLower(SHA1.HashData(deb)))}", $"{field}: {new string('0', field == "MD5sum" ? 32 : 40)}", StringComparison.Ordinal);
        sandbox.Publish($"Package: mixed\nVersion: 1.0\nArchitecture: all\nFilename: pool/mixed.deb\n{fields}Description: x\n\n");

        string aptOut = sandbox.NewDirectory("apt-out");
        var apt = sandbox.AptGet(aptOut, "download", "mixed");
        Assert.NotEqual(0, apt.ExitCode);
        Assert.Contains("Hash Sum mismatch", apt.StandardError + apt.StandardOutput, StringComparison.Ordinal);

        var universe = AptListsDirectory.LoadUniverse(sandbox.Lists, statusFile: null, "amd64", [], [sandbox.Source]);
        string ours = sandbox.NewDirectory("ours");
        var ex = await Assert.ThrowsAsync<AptException>(() => new PackageDownloader().DownloadAsync([universe.Packages.Single(p => p.Name == "mixed")], ours));
        Assert.Equal(AptErrorCodes.HashMismatch, ex.ErrorCode);
        Assert.Contains(field, ex.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(ours));
    }

    [SkippableFact]
    public async Task DownloadAsync_Sha512Only_AcceptedAndVerified()
    {
        using var sandbox = new AptGetSandbox();
        byte[] deb = RandomNumberGenerator.GetBytes(600);
        sandbox.AddPoolFile("strong.deb", deb);
        sandbox.Publish($"Package: strong\nVersion: 1.0\nArchitecture: all\nFilename: pool/strong.deb\n{AptGetSandbox.FileFields(deb, md5: false, sha256: false, sha512: true)}Description: x\n\n");

        string aptOut = sandbox.NewDirectory("apt-out");
        sandbox.AptGet(aptOut, "download", "strong").EnsureSuccess("apt-get download");

        var universe = AptListsDirectory.LoadUniverse(sandbox.Lists, statusFile: null, "amd64", [], [sandbox.Source]);
        var files = await new PackageDownloader().DownloadAsync([universe.Packages.Single(p => p.Name == "strong")], sandbox.NewDirectory("ours"));
        Assert.Equal(File.ReadAllBytes(Assert.Single(Directory.GetFiles(aptOut))), File.ReadAllBytes(Assert.Single(files)));
    }

    [SkippableFact]
    public async Task DownloadAsync_VersionWithParentComponents_RefusedAndNothingWrittenOutside()
    {
        using var sandbox = new AptGetSandbox();
        byte[] deb = RandomNumberGenerator.GetBytes(500);
        sandbox.AddPoolFile("p.deb", deb);
        string outside = sandbox.NewDirectory("outside");
        sandbox.Publish($"Package: evil\nVersion: 1.0/../../outside/ESCAPED\nArchitecture: all\nFilename: pool/p.deb\n{AptGetSandbox.FileFields(deb)}Description: x\n\n");

        var universe = AptListsDirectory.LoadUniverse(sandbox.Lists, statusFile: null, "amd64", [], [sandbox.Source]);
        string target = sandbox.NewDirectory("out");
        var ex = await Assert.ThrowsAsync<UnsafePathException>(() => new PackageDownloader().DownloadAsync([universe.Packages.Single(p => p.Name == "evil")], target));
        Assert.Equal(CoreErrorCodes.UnsafePath, ex.ErrorCode);
        Assert.Empty(Directory.GetFiles(outside, "*", SearchOption.AllDirectories));
        Assert.Empty(Directory.GetFiles(target, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task DownloadAsync_NoSizeInTheIndex_Refused()
    {
        using var dir = new TempDirectory();
        var package = new UniversePackage
        {
            Name = "nosize", Version = "1.0", Architecture = "all", Filename = "pool/nosize.deb",
            Sha256 = new string('0', 64), Origin = new PackageOrigin(null, null, "stable", null, "main", null, "file:" + dir.Path),
        };
        var ex = await Assert.ThrowsAsync<AptException>(() => new PackageDownloader().DownloadAsync([package], dir.Combine("out")));
        Assert.Equal(AptErrorCodes.InsecureIndexEntry, ex.ErrorCode);
    }
}
