using System.Collections.Concurrent;

namespace AptOstree.Deb.Solver;

/// <summary>
/// Turns the text of a binary relationship field into the solver's atoms: name, architecture qualifier, operator
/// and version text. The common syntax is read directly; anything else (restrictions, obsolete operators, errors)
/// goes through <see cref="RelationSet"/>, which gives the same atoms or the error.
/// </summary>
internal static class RelationCompiler
{
    private static readonly ConcurrentDictionary<string, string> Names = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> NameLookup = Names.GetAlternateLookup<ReadOnlySpan<char>>();

    public static List<List<DependencyAtom>> Parse(string text, string field, UniversePackage owner)
    {
        bool single = field is "Conflicts" or "Breaks" or "Replaces" or "Provides";
        if (TryParseCommon(text, allowAlternatives: !single, onlyEqual: field == "Provides", out var common))
        {
            return common;
        }

        return ParseWithRelationSet(text, field, owner);
    }

    /// <summary>The general path: <see cref="RelationSet"/>'s parser, then one atom per relation.</summary>
    internal static List<List<DependencyAtom>> ParseWithRelationSet(string text, string field, UniversePackage owner)
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

    /// <summary>Reads <c>name[:arch] [(op version)]</c> alternatives and groups; false for anything unusual.</summary>
    private static bool TryParseCommon(string text, bool allowAlternatives, bool onlyEqual, out List<List<DependencyAtom>> groups)
    {
        groups = [];
        int pos = SkipSpace(text, 0);
        if (pos == text.Length)
        {
            return true;
        }

        while (true)
        {
            var group = new List<DependencyAtom>(1);
            while (true)
            {
                if (!TryParseAtom(text, ref pos, onlyEqual, out var atom))
                {
                    return false;
                }

                group.Add(atom);
                if (pos < text.Length && text[pos] == '|')
                {
                    if (!allowAlternatives)
                    {
                        return false;
                    }

                    pos = SkipSpace(text, pos + 1);
                    continue;
                }

                break;
            }

            groups.Add(group);
            if (pos == text.Length)
            {
                return true;
            }

            if (text[pos] != ',')
            {
                return false;
            }

            pos = SkipSpace(text, pos + 1);
            if (pos == text.Length)
            {
                return true;
            }

            if (text[pos] == ',')
            {
                return false;
            }
        }
    }

    private static bool TryParseAtom(string text, ref int pos, bool onlyEqual, out DependencyAtom atom)
    {
        atom = default;
        int nameStart = pos;
        while (pos < text.Length && (char.IsAsciiLetterOrDigit(text[pos]) || text[pos] is '-' or '+' or '.' or '_'))
        {
            pos++;
        }

        if (pos == nameStart || !char.IsAsciiLetterOrDigit(text[nameStart]) || (pos < text.Length && !IsSpace(text[pos]) && text[pos] is not (',' or '|' or '(' or ':')))
        {
            return false;
        }

        var name = text.AsSpan(nameStart, pos - nameStart);
        var qualifier = ArchitectureQualifier.None;
        string? architecture = null;
        if (pos < text.Length && text[pos] == ':')
        {
            int qualStart = ++pos;
            while (pos < text.Length && (char.IsAsciiLetterOrDigit(text[pos]) || text[pos] == '-'))
            {
                pos++;
            }

            var qual = text.AsSpan(qualStart, pos - qualStart);
            if (qual.IsEmpty)
            {
                return false;
            }

            if (qual.SequenceEqual("any"))
            {
                qualifier = ArchitectureQualifier.Any;
            }
            else if (qual.SequenceEqual("native"))
            {
                qualifier = ArchitectureQualifier.Native;
            }
            else
            {
                qualifier = ArchitectureQualifier.Specific;
                architecture = qual.ToString();
            }
        }

        pos = SkipSpace(text, pos);
        var op = VersionOperator.None;
        string? version = null;
        if (pos < text.Length && text[pos] == '(')
        {
            pos = SkipSpace(text, pos + 1);
            if (pos + 1 >= text.Length)
            {
                return false;
            }

            (op, int length) = (text[pos], text[pos + 1]) switch
            {
                ('<', '<') => (VersionOperator.StrictlyEarlier, 2),
                ('<', '=') => (VersionOperator.EarlierOrEqual, 2),
                ('>', '>') => (VersionOperator.StrictlyLater, 2),
                ('>', '=') => (VersionOperator.LaterOrEqual, 2),
                ('=', _) => (VersionOperator.Equal, 1),
                _ => (VersionOperator.None, 0),
            };
            if (op == VersionOperator.None || (onlyEqual && op != VersionOperator.Equal))
            {
                return false;
            }

            pos = SkipSpace(text, pos + length);
            int versionStart = pos;
            while (pos < text.Length && !IsSpace(text[pos]) && text[pos] != ')')
            {
                pos++;
            }

            var versionText = text.AsSpan(versionStart, pos - versionStart);
            if (versionText.IsEmpty || DebianVersionParser.Split(versionText, out var parts) is not null)
            {
                return false;
            }

            version = versionText[parts.Start..parts.End].ToString();
            pos = SkipSpace(text, pos);
            if (pos == text.Length || text[pos] != ')')
            {
                return false;
            }

            pos = SkipSpace(text, pos + 1);
        }

        if (pos < text.Length && text[pos] is '[' or '<')
        {
            return false;
        }

        atom = new DependencyAtom(InternLower(name), qualifier, architecture, op, version);
        return true;
    }

    private static string InternLower(ReadOnlySpan<char> name)
    {
        Span<char> lower = name.Length <= 256 ? stackalloc char[name.Length] : new char[name.Length];
        name.ToLowerInvariant(lower);
        if (NameLookup.TryGetValue(lower, out var known))
        {
            return known;
        }

        var s = string.Intern(lower.ToString());
        Names.TryAdd(s, s);
        return s;
    }

    private static int SkipSpace(string text, int pos)
    {
        while (pos < text.Length && IsSpace(text[pos]))
        {
            pos++;
        }

        return pos;
    }

    private static bool IsSpace(char c) => c is ' ' or '\t' or '\n' or '\r';

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
