using AptOstree.Deb.Solver;

namespace AptOstree.Deb.Tests.Solver;

/// <summary>
/// A deliberately simple installability checker for one installed set, written independently of the solver:
/// every Depends/Pre-Depends or-group has an installed real package or provider matching it, and no installed
/// package's Conflicts/Breaks matches another installed package (explicit architecture qualifiers respected).
/// </summary>
internal static class IndependentChecker
{
    public static List<string> Problems(IReadOnlyList<UniversePackage> installed)
    {
        var byName = installed.GroupBy(p => p.Name).ToDictionary(g => g.Key, g => g.ToList());
        var provides = new Dictionary<string, List<(UniversePackage P, string? Version)>>();
        foreach (var p in installed)
        {
            if (p.Provides is null)
            {
                continue;
            }

            foreach (var r in RelationSet.ParseField("Provides", p.Provides).AllRelations)
            {
                if (!provides.TryGetValue(r.Name, out var list))
                {
                    provides[r.Name] = list = [];
                }

                list.Add((p, r.Operator == RelationOperator.Equal ? r.Version!.OriginalText : null));
            }
        }

        string native = AptOstree.Deb.Apt.AptListsDirectory.NativeArchitecture;

        // An explicit architecture qualifier (libc6-x32:i386) only hits packages of that architecture.
        bool ArchOk(Relation r, UniversePackage q) =>
            r.ArchitectureQualifier is null || r.ArchitectureQualifier.IsAny || r.ArchitectureQualifier.IsNative
            || q.Architecture == r.ArchitectureQualifier.Name || (q.Architecture == "all" && r.ArchitectureQualifier.Name == native);

        bool Matches(Relation r, UniversePackage self, bool negative)
        {
            if (byName.TryGetValue(r.Name, out var real) && real.Any(q => (!negative || q.Name != self.Name) && ArchOk(r, q) && (!r.IsVersioned || r.Satisfies(DebianVersion.Parse(q.Version)))))
            {
                return true;
            }

            return provides.TryGetValue(r.Name, out var prov) && prov.Any(x => (!negative || x.P.Name != self.Name) && ArchOk(r, x.P)
                && (!r.IsVersioned || (x.Version is not null && r.Satisfies(DebianVersion.Parse(x.Version)))));
        }

        var problems = new List<string>();
        foreach (var p in installed)
        {
            foreach (var (field, text) in new[] { ("Depends", p.Depends), ("Pre-Depends", p.PreDepends) })
            {
                if (text is null)
                {
                    continue;
                }

                foreach (var group in RelationSet.ParseField(field, text))
                {
                    if (!group.Any(r => Matches(r, p, negative: false)))
                    {
                        problems.Add($"{p} {field} '{group}' is not satisfied");
                    }
                }
            }

            foreach (var (field, text) in new[] { ("Conflicts", p.Conflicts), ("Breaks", p.Breaks) })
            {
                if (text is null)
                {
                    continue;
                }

                foreach (var r in RelationSet.ParseField(field, text).AllRelations)
                {
                    if (Matches(r, p, negative: true))
                    {
                        problems.Add($"{p} {field} '{r}' hits an installed package");
                    }
                }
            }
        }

        return problems;
    }
}
