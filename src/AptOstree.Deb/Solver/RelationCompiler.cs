using AptOstree.Deb.Relations;

namespace AptOstree.Deb.Solver;

/// <summary>
/// Turns the text of a binary relationship field (parsed with <see cref="RelationSet"/>) into the solver's
/// atoms: name, architecture qualifier, operator and version text.
/// </summary>
internal static class RelationCompiler
{
    public static List<List<DependencyAtom>> Parse(string text, string field, UniversePackage owner)
    {
        RelationSet set;
        try
        {
            set = RelationSet.ParseField(field, text);
        }
        catch (InvalidFormatException ex)
        {
            throw new InvalidFormatException(AptErrorCodes.InvalidIndexStanza, $"Package {owner}: field {field} is malformed: {ex.Message}", ex, owner.Origin?.BaseUri, field);
        }

        var groups = new List<List<DependencyAtom>>(set.Count);
        foreach (var alternatives in set)
        {
            var group = new List<DependencyAtom>(alternatives.Count);
            foreach (var relation in alternatives)
            {
                group.Add(ToAtom(relation));
            }

            groups.Add(group);
        }

        return groups;
    }

    private static DependencyAtom ToAtom(Relation relation)
    {
        var (qualifier, arch) = relation.ArchitectureQualifier switch
        {
            null => (ArchitectureQualifier.None, (string?)null),
            { IsAny: true } => (ArchitectureQualifier.Any, null),
            { IsNative: true } => (ArchitectureQualifier.Native, null),
            var q => (ArchitectureQualifier.Specific, q.Name),
        };
        var op = relation.Operator switch
        {
            RelationOperator.StrictlyEarlier => VersionOperator.StrictlyEarlier,
            RelationOperator.EarlierOrEqual => VersionOperator.EarlierOrEqual,
            RelationOperator.Equal => VersionOperator.Equal,
            RelationOperator.LaterOrEqual => VersionOperator.LaterOrEqual,
            RelationOperator.StrictlyLater => VersionOperator.StrictlyLater,
            _ => VersionOperator.None,
        };
        return new DependencyAtom(string.Intern(relation.Name.ToLowerInvariant()), qualifier, arch, op, relation.Version?.OriginalText);
    }
}
