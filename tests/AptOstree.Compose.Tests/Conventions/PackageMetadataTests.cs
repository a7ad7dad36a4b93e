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
/// package's id, description, MIT licence expression, readme and LICENSE file, and a repository only when the clone
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
        Assert.Contains($"lib/net10.0/{package}.dll", entries);
        Assert.Contains($"lib/net10.0/{package}.xml", entries);

        string? Field(string name) => metadata.Elements().SingleOrDefault(e => e.Name.LocalName == name)?.Value;
        Assert.Equal(package, Field("id"));
        Assert.False(string.IsNullOrWhiteSpace(Field("description")));
        Assert.Equal("AptOstree contributors", Field("authors"));
        Assert.Equal("README.md", Field("readme"));
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
