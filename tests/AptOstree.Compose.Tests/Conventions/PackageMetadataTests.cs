using System.Buffers.Binary;
using System.IO.Compression;
using System.Reflection;
using System.Runtime.Versioning;
using System.Xml.Linq;
using AptOstree.Compose;
using AptOstree.Deb;
using AptOstree.OSTree;
using AptOstree.Testing;

namespace AptOstree.Compose.Tests.Conventions;

/// <summary>
/// What a NuGet user sees: <c>dotnet pack</c> of each package (from the built assemblies) gives a nuspec with the
/// package's id, description, MIT licence expression, readme, icon and LICENSE file, and a repository only when the clone
/// has a git remote (never a made-up host); Linux-only APIs say so.
/// </summary>
public sealed class PackageMetadataTests : IDisposable
{
    private readonly TempDirectory _tmp = new("pack-");

    public void Dispose() => _tmp.Dispose();

    public static TheoryData<string> Packages() => new("AptOstree.Core", "AptOstree.OpenPgp", "AptOstree.Deb", "AptOstree.OSTree", "AptOstree.Compose");

    [SkippableTheory]
    [MemberData(nameof(Packages))]
    public void Pack_Package_NuspecHasMetadataReadmeAndLicense(string package)
    {
        var (entries, metadata) = Pack(package);
        Assert.Contains("README.md", entries);
        Assert.Contains("LICENSE", entries);
        Assert.Contains("icon.png", entries);
        Assert.Contains($"lib/net10.0/{package}.dll", entries);
        Assert.Contains($"lib/net10.0/{package}.xml", entries);

        string? Field(string name) => metadata.Elements().SingleOrDefault(e => e.Name.LocalName == name)?.Value;
        Assert.Equal(package, Field("id"));
        Assert.False(string.IsNullOrWhiteSpace(Field("description")));
        Assert.Equal("AptOstree contributors", Field("authors"));
        Assert.Equal("README.md", Field("readme"));
        Assert.Equal("icon.png", Field("icon"));
        var license = metadata.Elements().Single(e => e.Name.LocalName == "license");
        Assert.Equal("expression", license.Attribute("type")?.Value);
        Assert.Equal("MIT", license.Value);

        var remote = ExternalTool.Run("git", ["-C", RepositoryRoot(), "remote", "get-url", "origin"]);
        var repository = metadata.Elements().SingleOrDefault(e => e.Name.LocalName == "repository")?.Attribute("url")?.Value;
        string url = remote.ExitCode == 0 ? remote.StandardOutput.Trim() : string.Empty;
        // SourceLink publishes a hosted remote (URL or scp-like); a clone of a local path or file: URL has no public address.
        bool hosted = url.Length > 0 && !url.StartsWith('/') && !url.StartsWith("file:", StringComparison.Ordinal);
        if (hosted)
        {
            Assert.False(string.IsNullOrEmpty(repository), $"origin is {url}, but the package names no repository");
        }
        else
        {
            Assert.Null(repository);
        }
    }

    [SkippableFact]
    public void Pack_EachPackage_DependsOnWhatItUses_CoreCarriesNoBouncyCastle()
    {
        Assert.Equal(["Microsoft.Extensions.DependencyInjection.Abstractions", "Microsoft.Extensions.Logging.Abstractions"], Dependencies(Pack("AptOstree.Core").Metadata));
        var openPgp = Dependencies(Pack("AptOstree.OpenPgp").Metadata);
        Assert.Contains("AptOstree.Core", openPgp);
        Assert.Contains("BouncyCastle.Cryptography", openPgp);
        Assert.Contains("AptOstree.OpenPgp", Dependencies(Pack("AptOstree.Deb").Metadata));
        Assert.Contains("AptOstree.OpenPgp", Dependencies(Pack("AptOstree.OSTree").Metadata));
    }

    [SkippableFact]
    public void PackageIcon_IsThePngTheScriptDraws()
    {
        ExternalTool.Require("python3");
        string committed = Path.Combine(RepositoryRoot(), "eng", "icon.png");
        string drawn = Path.Combine(_tmp.Path, "icon.png");
        ExternalTool.Run("python3", [Path.Combine(RepositoryRoot(), "eng", "make-icon.py"), drawn]).EnsureSuccess("eng/make-icon.py");
        byte[] png = File.ReadAllBytes(committed);

        // A PNG whose first chunk is a 128x128 header (NuGet shows icons of at least 128x128 well), with the pixels
        // the script draws (compared decompressed: another zlib may compress the same rows differently).
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, png[..8]);
        Assert.Equal("IHDR"u8.ToArray(), png[12..16]);
        Assert.Equal((128, 128), (BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)), BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20))));
        Assert.Equal(PngRows(File.ReadAllBytes(drawn)), PngRows(png));
    }

    /// <summary>The decompressed image data (all IDAT chunks), each chunk's CRC checked.</summary>
    private static byte[] PngRows(byte[] png)
    {
        using var idat = new MemoryStream();
        for (int at = 8; at < png.Length;)
        {
            int length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(at));
            var kindAndData = png.AsSpan(at + 4, 4 + length);
            Assert.Equal(BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(at + 8 + length)), Crc32(kindAndData));
            if (kindAndData[..4].SequenceEqual("IDAT"u8))
            {
                idat.Write(kindAndData[4..]);
            }

            at += 12 + length;
        }

        idat.Position = 0;
        using var inflate = new ZLibStream(idat, CompressionMode.Decompress);
        using var rows = new MemoryStream();
        inflate.CopyTo(rows);
        return rows.ToArray();
    }

    [Fact]
    public void ComposeReadme_DescribesWhatExistsToday()
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryRoot(), "src", "AptOstree.Compose", "README.md"));
        Assert.DoesNotContain("not built yet", readme, StringComparison.Ordinal);
        foreach (var type in new[] { typeof(TreeComposer), typeof(TreefileLoader), typeof(AptOstree.Compose.Layering.PackageLayering), typeof(AptOstree.Compose.Images.DiskImageBuilder), typeof(ScriptSandbox) })
        {
            Assert.Contains(type.Name, readme, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void LinuxOnlyApis_CarrySupportedOSPlatformLinux()
    {
        Assert.Equal("linux", typeof(OstreeRepository).Assembly.GetCustomAttribute<SupportedOSPlatformAttribute>()?.PlatformName);
        Assert.Equal("linux", typeof(TreeComposer).Assembly.GetCustomAttribute<SupportedOSPlatformAttribute>()?.PlatformName);
        Assert.Equal("linux", typeof(DebPackage).GetMethod(nameof(DebPackage.ExtractTo))!.GetCustomAttribute<SupportedOSPlatformAttribute>()?.PlatformName);
        Assert.Equal("linux", typeof(DebBuilder).GetMethod(nameof(DebBuilder.FromDirectory))!.GetCustomAttribute<SupportedOSPlatformAttribute>()?.PlatformName);
        Assert.Null(typeof(DebianVersion).Assembly.GetCustomAttribute<SupportedOSPlatformAttribute>());
    }

    /// <summary><c>dotnet pack</c> of the built package: the nupkg's entry names and its nuspec's metadata element.</summary>
    private (List<string> Entries, XElement Metadata) Pack(string package)
    {
        ExternalTool.Require("dotnet", "git");
        var configuration = AppContext.BaseDirectory.Contains("/bin/Debug/", StringComparison.Ordinal) ? "Debug" : "Release";
        string output = Path.Combine(_tmp.Path, package);
        ExternalTool.Run("dotnet", ["pack", Path.Combine(RepositoryRoot(), "src", package, package + ".csproj"), "-c", configuration, "--no-build", "-o", output],
            timeout: TimeSpan.FromMinutes(5)).EnsureSuccess("dotnet pack " + package);

        var nupkg = Assert.Single(Directory.GetFiles(output, package + ".*.nupkg"), f => !f.EndsWith(".snupkg", StringComparison.Ordinal));
        using var zip = ZipFile.OpenRead(nupkg);
        using var stream = zip.GetEntry(package + ".nuspec")!.Open();
        var nuspec = XDocument.Load(stream);
        return (zip.Entries.Select(e => e.FullName).ToList(), nuspec.Root!.Elements().Single(e => e.Name.LocalName == "metadata"));
    }

    /// <summary>The ids of the nuspec's dependencies (every target framework group), sorted.</summary>
    private static List<string> Dependencies(XElement metadata) =>
        metadata.Descendants().Where(e => e.Name.LocalName == "dependency").Select(e => e.Attribute("id")!.Value).Distinct().Order(StringComparer.Ordinal).ToList();

    /// <summary>PNG's CRC-32 (ISO-HDLC, reflected polynomial 0xEDB88320).</summary>
    private static uint Crc32(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int bit = 0; bit < 8; bit++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320 : crc >> 1;
            }
        }

        return ~crc;
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "AptOstree.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("AptOstree.sln not found above " + AppContext.BaseDirectory);
    }
}
