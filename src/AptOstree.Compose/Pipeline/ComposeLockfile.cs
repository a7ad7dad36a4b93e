using System.Globalization;
using System.Text;
using AptOstree.Deb;
using AptOstree.Deb.Solver;

namespace AptOstree.Compose;

/// <summary>One locked package.</summary>
/// <param name="Name">Package name.</param>
/// <param name="Version">Exact version.</param>
/// <param name="Architecture">Architecture.</param>
/// <param name="Sha256">SHA-256 of the .deb.</param>
/// <param name="Size">Size of the .deb in bytes.</param>
/// <param name="Filename">Path of the .deb below the archive root.</param>
public sealed record LockedPackage(string Name, string Version, string Architecture, string Sha256, long Size, string? Filename);

/// <summary>
/// A compose lockfile: the exact packages (version and SHA-256) of a compose and the timestamp it used, in Debian
/// <c>Packages</c> format as apt2ostree's lockfiles (a header stanza, then one stanza per package). Composing with it
/// installs exactly those packages and gives the same commit.
/// </summary>
/// <param name="Packages">The packages in install order.</param>
/// <param name="SourceDateEpoch">The commit timestamp (seconds since the epoch).</param>
public sealed record ComposeLockfile(IReadOnlyList<LockedPackage> Packages, long SourceDateEpoch)
{
    /// <summary>The lockfile for a resolved package set.</summary>
    public static ComposeLockfile From(IEnumerable<UniversePackage> packages, long sourceDateEpoch)
    {
        ArgumentNullException.ThrowIfNull(packages);
        return new ComposeLockfile(packages.Select(p => new LockedPackage(p.Name, p.Version, p.Architecture, p.Sha256 ?? string.Empty, p.Size, p.Filename)).ToList(), sourceDateEpoch);
    }

    /// <summary>The lockfile text.</summary>
    public string Format()
    {
        var sb = new StringBuilder();
        sb.Append("Lockfile-Format: 1\n").Append(CultureInfo.InvariantCulture, $"Source-Date-Epoch: {SourceDateEpoch}\n\n");
        foreach (var p in Packages)
        {
            sb.Append("Package: ").Append(p.Name).Append('\n')
                .Append("Version: ").Append(p.Version).Append('\n')
                .Append("Architecture: ").Append(p.Architecture).Append('\n');
            if (p.Filename is not null)
            {
                sb.Append("Filename: ").Append(p.Filename).Append('\n');
            }

            sb.Append(CultureInfo.InvariantCulture, $"Size: {p.Size}\n").Append("SHA256: ").Append(p.Sha256).Append("\n\n");
        }

        return sb.ToString();
    }

    /// <summary>Reads a lockfile.</summary>
    /// <exception cref="InvalidFormatException">Not a lockfile, or a stanza lacks a field (code <see cref="ComposeErrorCodes.InvalidLockfile"/>).</exception>
    public static ComposeLockfile Parse(string text, string sourceName = "lockfile")
    {
        ArgumentNullException.ThrowIfNull(text);
        var stanzas = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
            .Where(s => s.Trim().Length > 0).ToList();
        Deb822Paragraph Read(string s)
        {
            try
            {
                return Deb822Paragraph.Parse(s.Trim('\n') + "\n");
            }
            catch (AptOstreeException ex)
            {
                throw new InvalidFormatException(ComposeErrorCodes.InvalidLockfile, $"{sourceName}: {ex.Message}", ex, sourceName);
            }
        }

        if (stanzas.Count == 0 || Read(stanzas[0]).GetValue("Lockfile-Format") != "1")
        {
            throw new InvalidFormatException(ComposeErrorCodes.InvalidLockfile, $"{sourceName}: not an apt-ostree lockfile (the first stanza must have Lockfile-Format: 1).", source: sourceName);
        }

        var header = Read(stanzas[0]);
        if (!long.TryParse(header.GetValue("Source-Date-Epoch"), NumberStyles.None, CultureInfo.InvariantCulture, out long epoch))
        {
            throw new InvalidFormatException(ComposeErrorCodes.InvalidLockfile, $"{sourceName}: Source-Date-Epoch is missing or not a number.", source: sourceName, location: "Source-Date-Epoch");
        }

        var packages = new List<LockedPackage>();
        foreach (var s in stanzas.Skip(1))
        {
            var p = Read(s);
            string Field(string name) => p.GetValue(name) ?? throw new InvalidFormatException(ComposeErrorCodes.InvalidLockfile,
                $"{sourceName}: the stanza of {p.GetValue("Package") ?? "(no Package)"} has no {name}.", source: sourceName, location: name);
            packages.Add(new LockedPackage(Field("Package"), Field("Version"), Field("Architecture"), Field("SHA256"),
                long.TryParse(p.GetValue("Size"), NumberStyles.None, CultureInfo.InvariantCulture, out long size) ? size : 0, p.GetValue("Filename")));
        }

        return new ComposeLockfile(packages, epoch);
    }
}
