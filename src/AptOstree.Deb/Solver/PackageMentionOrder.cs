using System.Buffers;

namespace AptOstree.Deb.Solver;

/// <summary>
/// The order in which APT's cache generator first meets each package name: a stanza's own name, then the
/// targets of its Pre-Depends, Depends, Conflicts, Breaks, Recommends, Suggests and Replaces, then its Provides.
/// APT numbers packages in that order, and its <c>CompareProviders</c> falls back to the higher number when
/// nothing else separates two providers.
/// </summary>
internal static class PackageMentionOrder
{
    private static readonly SearchValues<char> NameEnd = SearchValues.Create(" \t\n(:[<");

    /// <summary>Maps every mentioned name to its position in first-mention order.</summary>
    public static Dictionary<string, int> Build(IReadOnlyList<UniversePackage> packages)
    {
        var order = new Dictionary<string, int>(packages.Count * 2, StringComparer.Ordinal);
        var lookup = order.GetAlternateLookup<ReadOnlySpan<char>>();
        foreach (var p in packages)
        {
            lookup.TryAdd(p.Name, order.Count);
            AddTargets(lookup, p.PreDepends);
            AddTargets(lookup, p.Depends);
            AddTargets(lookup, p.Conflicts);
            AddTargets(lookup, p.Breaks);
            AddTargets(lookup, p.Recommends);
            AddTargets(lookup, p.Suggests);
            AddTargets(lookup, p.Replaces);
            AddTargets(lookup, p.Provides);
        }

        return order;
    }

    private static void AddTargets(Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> lookup, string? field)
    {
        if (field is null)
        {
            return;
        }

        var rest = field.AsSpan();
        while (!rest.IsEmpty)
        {
            int end = rest.IndexOfAny(',', '|');
            var term = (end < 0 ? rest : rest[..end]).TrimStart();
            rest = end < 0 ? [] : rest[(end + 1)..];
            int nameEnd = term.IndexOfAny(NameEnd);
            var name = nameEnd < 0 ? term : term[..nameEnd];
            if (!name.IsEmpty && !lookup.ContainsKey(name))
            {
                lookup.TryAdd(name, lookup.Dictionary.Count);
            }
        }
    }
}
