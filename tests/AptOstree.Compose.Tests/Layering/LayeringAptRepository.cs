using System.Security.Cryptography;
using System.Text;
using AptOstree.Deb;
using AptOstree.Testing;

namespace AptOstree.Compose.Tests.Layering;

/// <summary>
/// A signed APT repository (<c>dists/SUITE/main/binary-amd64</c>, <c>pool/</c>) built with <see cref="DebBuilder"/>
/// packages and a throw-away gpg key, reachable as a <c>file:</c> URI: the sources a layering test's base commit records.
/// Fixed dates and timestamps: the same packages give the same files.
/// </summary>
internal sealed class LayeringAptRepository : IDisposable
{
    private readonly TempDirectory _dir = new("aptostree-layering-repo-");
    private readonly GpgTestKey _key = GpgTestKey.Create(startTime: DateTimeOffset.FromUnixTimeSeconds(1_700_000_000));
    private readonly List<(string Control, string File)> _packages = [];

    public LayeringAptRepository(string suite = "test")
    {
        Suite = suite;
        Directory.CreateDirectory(Path.Combine(Root, "pool", "main"));
    }

    public string Root => _dir.Combine("repo");

    public string Suite { get; }

    /// <summary>The deb822 sources stanza of this repository (Signed-By the test key's public keyring).</summary>
    public string Deb822 => $"Types: deb\nURIs: file:{Root}\nSuites: {Suite}\nComponents: main\nSigned-By: {_key.PublicKeyring}\n";

    /// <summary>A package with a script printing its name and version at <c>/usr/bin/NAME</c>, plus <paramref name="fields"/> (Depends, Conflicts…).</summary>
    public string Add(string name, string version = "1.0", IEnumerable<(string Name, string Value)>? fields = null, Action<DebBuilder>? customize = null)
    {
        var control = new List<KeyValuePair<string, string>>
        {
            new("Package", name), new("Version", version), new("Architecture", "amd64"), new("Installed-Size", "4"),
            new("Maintainer", "AptOstree Tests <tests@example.invalid>"),
        };
        control.AddRange((fields ?? []).Select(f => new KeyValuePair<string, string>(f.Name, f.Value)));
        control.Add(new("Description", $"layering test package {name}"));
        var builder = new DebBuilder { Timestamp = DateTimeOffset.FromUnixTimeSeconds(1_750_000_000) }
            .SetControlFields(control)
            .AddDirectory("usr").AddDirectory("usr/bin")
            .AddFile($"usr/bin/{name}", $"#!/bin/sh\necho {name} {version}\n", 0x1ED);
        customize?.Invoke(builder);
        string file = $"pool/main/{name}_{version}_amd64.deb";
        builder.Build(Path.Combine(Root, file));
        _packages.RemoveAll(p => p.File == file);
        _packages.Add((string.Concat(control.Where(kv => kv.Key != "Description").Select(kv => $"{kv.Key}: {kv.Value}\n")) + $"Description: layering test package {name}\n", file));
        return Path.Combine(Root, file);
    }

    /// <summary>Writes Packages, Release and the signed InRelease for what was added.</summary>
    public void Publish()
    {
        string dist = Path.Combine(Root, "dists", Suite);
        string bin = Path.Combine(dist, "main", "binary-amd64");
        Directory.CreateDirectory(bin);
        var index = new StringBuilder();
        foreach (var (control, file) in _packages.OrderBy(p => p.File, StringComparer.Ordinal))
        {
            byte[] deb = File.ReadAllBytes(Path.Combine(Root, file));
            index.Append(control).Append($"Filename: {file}\nSize: {deb.Length}\nSHA256: {Convert.ToHexStringLower(SHA256.HashData(deb))}\n\n");
        }

        byte[] packages = Encoding.UTF8.GetBytes(index.ToString());
        File.WriteAllBytes(Path.Combine(bin, "Packages"), packages);
        string release = $"Origin: AptOstreeTest\nLabel: AptOstreeTest\nSuite: {Suite}\nCodename: {Suite}\nDate: Tue, 14 Nov 2023 22:13:20 UTC\nArchitectures: amd64\nComponents: main\nSHA256:\n"
            + $" {Convert.ToHexStringLower(SHA256.HashData(packages))} {packages.Length,8} main/binary-amd64/Packages\n";
        File.WriteAllText(Path.Combine(dist, "Release"), release);
        File.WriteAllBytes(Path.Combine(dist, "InRelease"), _key.Sign(Encoding.UTF8.GetBytes(release), "--clearsign"));
    }

    public void Dispose()
    {
        _key.Dispose();
        _dir.Dispose();
    }
}
