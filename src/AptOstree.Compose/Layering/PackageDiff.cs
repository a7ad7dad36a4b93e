using AptOstree.Deb;

namespace AptOstree.Compose.Layering;

/// <summary>The package differences between two commits (<c>db diff</c>), sorted by name.</summary>
/// <param name="From">The older commit.</param>
/// <param name="To">The newer commit.</param>
/// <param name="Changes">Every package that was added, removed, upgraded or downgraded.</param>
public sealed record PackageDiff(Checksum From, Checksum To, IReadOnlyList<PackageChange> Changes)
{
    /// <summary>Packages only in <see cref="To"/>.</summary>
    public IEnumerable<PackageChange> Added => Changes.Where(c => c.Kind == PackageChangeKind.Added);

    /// <summary>Packages only in <see cref="From"/>.</summary>
    public IEnumerable<PackageChange> Removed => Changes.Where(c => c.Kind == PackageChangeKind.Removed);

    /// <summary>Packages with a higher version in <see cref="To"/>.</summary>
    public IEnumerable<PackageChange> Upgraded => Changes.Where(c => c.Kind == PackageChangeKind.Upgraded);

    /// <summary>Packages with a lower version in <see cref="To"/>.</summary>
    public IEnumerable<PackageChange> Downgraded => Changes.Where(c => c.Kind == PackageChangeKind.Downgraded);

    /// <summary>
    /// Compares two package lists. A name present once on each side is one package whatever its architecture (a move
    /// from <c>amd64</c> to <c>all</c> is an upgrade, not a removal plus an addition); names installed for several
    /// architectures (<c>Multi-Arch: same</c>) are matched per architecture.
    /// </summary>
    public static PackageDiff Compute(Checksum from, Checksum to, IEnumerable<DpkgPackage> fromPackages, IEnumerable<DpkgPackage> toPackages)
    {
        ArgumentNullException.ThrowIfNull(fromPackages);
        ArgumentNullException.ThrowIfNull(toPackages);
        var before = fromPackages.GroupBy(p => p.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var after = toPackages.GroupBy(p => p.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var changes = new List<PackageChange>();
        foreach (var name in before.Keys.Union(after.Keys).Order(StringComparer.Ordinal))
        {
            var a = before.GetValueOrDefault(name) ?? [];
            var b = after.GetValueOrDefault(name) ?? [];
            if (a.Count == 1 && b.Count == 1)
            {
                Compare(name, a[0], b[0], changes);
                continue;
            }

            foreach (var old in a.OrderBy(p => p.Architecture, StringComparer.Ordinal))
            {
                if (b.Find(p => p.Architecture == old.Architecture) is { } match)
                {
                    Compare(name, old, match, changes);
                }
                else
                {
                    changes.Add(new PackageChange(name, PackageChangeKind.Removed, old, null));
                }
            }

            foreach (var added in b.Where(p => !a.Exists(o => o.Architecture == p.Architecture)).OrderBy(p => p.Architecture, StringComparer.Ordinal))
            {
                changes.Add(new PackageChange(name, PackageChangeKind.Added, null, added));
            }
        }

        return new PackageDiff(from, to, changes);
    }

    private static void Compare(string name, DpkgPackage old, DpkgPackage current, List<PackageChange> changes)
    {
        int c = DebianVersion.TryParse(old.Version, out var va) && DebianVersion.TryParse(current.Version, out var vb)
            ? va.CompareTo(vb)
            : string.CompareOrdinal(old.Version, current.Version);
        if (c < 0 || (c == 0 && old.Architecture != current.Architecture))
        {
            changes.Add(new PackageChange(name, PackageChangeKind.Upgraded, old, current));
        }
        else if (c > 0)
        {
            changes.Add(new PackageChange(name, PackageChangeKind.Downgraded, old, current));
        }
    }
}
