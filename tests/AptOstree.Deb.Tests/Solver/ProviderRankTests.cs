using AptOstree.Deb.Solver;

namespace AptOstree.Deb.Tests.Solver;

/// <summary>
/// The universe ranks only the providers <c>CompareProviders</c> can meet with a different name. On the host lists,
/// every virtual name provided under two or more package names must have all its providers ranked, in the order
/// of the full mention order (APT's cache numbering).
/// </summary>
public sealed class ProviderRankTests
{
    [SkippableFact]
    public void Providers_sharing_a_virtual_name_are_ranked_in_the_full_mention_order()
    {
        var universe = HostUniverse.Get();
        var full = PackageMentionOrder.Build(universe.Packages);
        var ranked = universe.RankedProviderNames();
        var providedNames = universe.Packages
            .Where(p => p.Provides is not null)
            .SelectMany(p => p.Provides!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            .Select(term => term.Split([' ', '(', ':'], 2)[0])
            .ToHashSet(StringComparer.Ordinal);

        int shared = 0;
        foreach (var virtualName in providedNames)
        {
            var names = universe.FindProviders(virtualName).Select(p => p.Name).Distinct(StringComparer.Ordinal).ToList();
            if (names.Count < 2)
            {
                continue;
            }

            shared++;
            Assert.All(names, n => Assert.Contains(n, ranked));
            Assert.Equal(names.OrderBy(n => full[n]), names.OrderBy(universe.MentionRank));
        }

        Assert.True(shared > 100, $"only {shared} virtual names with several providers");
        Assert.True(ranked.Count < universe.Packages.Count(p => p.Provides is not null), "every provider is ranked: the set is not narrower");
        Assert.Equal(int.MaxValue, universe.MentionRank("no-such-package-name"));
    }
}
