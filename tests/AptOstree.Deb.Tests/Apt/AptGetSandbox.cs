using System.Security.Cryptography;
using System.Text;
using AptOstree.Deb.Apt;
using AptOstree.Testing;

// MD5 and SHA-1 here are the Packages index fields APT compares, not a security choice.
#pragma warning disable CA5350, CA5351

namespace AptOstree.Deb.Tests.Apt;

/// <summary>
/// An unsigned <c>file:</c> repository (suite <c>stable</c>, component <c>main</c>, amd64) whose Packages stanzas the
/// test writes verbatim, and a private apt configuration trusting it (<c>[trusted=yes]</c>): the real
/// <c>apt-get update</c> and <c>apt-get download</c> run against it as the oracle, and the SDK reads the very lists
/// apt-get wrote.
/// </summary>
internal sealed class AptGetSandbox : IDisposable
{
    private readonly TempDirectory _dir = new("aptostree-aptget-");

    public AptGetSandbox()
    {
        ExternalTool.Require("apt-get");
        RepositoryRoot = _dir.Combine("repo");
        Lists = _dir.Combine("lists");
        Directory.CreateDirectory(Path.Combine(RepositoryRoot, "pool"));
        Directory.CreateDirectory(Path.Combine(RepositoryRoot, "dists", "stable", "main", "binary-amd64"));
        Directory.CreateDirectory(Path.Combine(Lists, "partial"));
        Directory.CreateDirectory(_dir.Combine("cache", "archives", "partial"));
        Directory.CreateDirectory(_dir.Combine("etc", "sources.list.d"));
        File.WriteAllText(_dir.Combine("etc", "sources.list"), $"deb [trusted=yes] {SourceUri} stable main\n");
    }

    /// <summary>The repository directory.</summary>
    public string RepositoryRoot { get; }

    /// <summary>The repository's URI in the sources.</summary>
    public string SourceUri => "file:" + RepositoryRoot;

    /// <summary>The list directory apt-get update writes.</summary>
    public string Lists { get; }

    /// <summary>The source entry as the SDK reads it from the sandbox's sources.list.</summary>
    public AptSource Source => SourcesList.LoadHost(_dir.Combine("etc")).Single();

    /// <summary>A fresh directory for downloads.</summary>
    public string NewDirectory(string name) => Directory.CreateDirectory(_dir.Combine(name)).FullName;

    /// <summary>Writes a pool file and returns its Size/hash fields for a stanza.</summary>
    public static string FileFields(byte[] content, bool md5 = true, bool sha1 = false, bool sha256 = true, bool sha512 = false)
    {
        var fields = new StringBuilder($"Size: {content.Length}\n");
        if (md5)
        {
            fields.Append($"MD5sum: {Convert.ToHexStringLower(MD5.HashData(content))}\n");
        }

        if (sha1)
        {
            fields.Append($"SHA1: {Convert.ToHexStringLower(SHA1.HashData(content))}\n");
        }

        if (sha256)
        {
            fields.Append($"SHA256: {Convert.ToHexStringLower(SHA256.HashData(content))}\n");
        }

        if (sha512)
        {
            fields.Append($"SHA512: {Convert.ToHexStringLower(SHA512.HashData(content))}\n");
        }

        return fields.ToString();
    }

    /// <summary>Writes <c>pool/NAME</c>.</summary>
    public void AddPoolFile(string name, byte[] content) => File.WriteAllBytes(Path.Combine(RepositoryRoot, "pool", name), content);

    /// <summary>Writes the Packages index (the stanzas as given) and a Release listing it, then runs apt-get update.</summary>
    public void Publish(string packagesText)
    {
        string dist = Path.Combine(RepositoryRoot, "dists", "stable");
        byte[] packages = Encoding.UTF8.GetBytes(packagesText);
        File.WriteAllBytes(Path.Combine(dist, "main", "binary-amd64", "Packages"), packages);
        File.WriteAllText(Path.Combine(dist, "Release"),
            "Origin: AptOstreeTest\nSuite: stable\nCodename: stable\nDate: Sat, 05 Dec 2026 00:00:00 UTC\nArchitectures: amd64\nComponents: main\nSHA256:\n"
            + $" {Convert.ToHexStringLower(SHA256.HashData(packages))} {packages.Length} main/binary-amd64/Packages\n");
        AptGet(_dir.Path, "update").EnsureSuccess("apt-get update");
    }

    /// <summary>Runs apt-get with the sandbox's configuration in <paramref name="workingDirectory"/>.</summary>
    public ToolResult AptGet(string workingDirectory, params string[] arguments) =>
        ExternalTool.Run("apt-get", [
            "-q", "-o", "Dir::Etc::sourcelist=" + _dir.Combine("etc", "sources.list"), "-o", "Dir::Etc::sourceparts=" + _dir.Combine("etc", "sources.list.d"),
            "-o", "Dir::State::lists=" + Lists, "-o", "Dir::Cache=" + _dir.Combine("cache"), "-o", "Dir::State::status=/dev/null",
            "-o", "Debug::NoLocking=1", "-o", "APT::Architecture=amd64", "-o", "APT::Architectures=amd64",
            "-o", "APT::Sandbox::User=root", "-o", "Acquire::Languages=none", .. arguments], workingDirectory);

    public void Dispose() => _dir.Dispose();
}
