using System.Collections.Concurrent;

namespace AptOstree.Deb.Solver;

/// <summary>
/// Turns the text of a binary relationship field into the solver's atoms (name, architecture qualifier, operator and
/// version text) with the SDK's one relation grammar (<see cref="RelationReader"/>), under that field's rules
/// (<see cref="RelationParseOptions.ForField"/>). Names are lower-cased and shared process-wide, up to a bound.
/// </summary>
internal static class RelationCompiler
{
    /// <summary>
    /// Most names a process shares (about twice the distinct names of a full Debian release with its updates): the
    /// table is process-wide, so past this bound new names are still returned, only not kept.
    /// </summary>
    internal const int MaxSharedNames = 1 << 17;

    private static readonly ConcurrentDictionary<string, string> Names = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> NameLookup = Names.GetAlternateLookup<ReadOnlySpan<char>>();
    private static readonly ConcurrentDictionary<string, RelationParseOptions> FieldRules = new(StringComparer.Ordinal);
    private static int _sharedNames;

    /// <summary>How many names the process-wide table holds (at most <see cref="MaxSharedNames"/>, give or take the threads adding at once).</summary>
    internal static int SharedNameCount => Volatile.Read(ref _sharedNames);

    /// <summary>The groups of <paramref name="text"/>, a value of <paramref name="field"/> of <paramref name="owner"/>.</summary>
    /// <exception cref="InvalidFormatException">The text breaks the grammar (<see cref="AptErrorCodes.InvalidIndexStanza"/>, the relation error inside).</exception>
    public static List<List<DependencyAtom>> Parse(string text, string field, UniversePackage owner)
    {
        var sink = new AtomSink([], field);
        try
        {
            RelationReader.Read(text.AsSpan(), FieldRules.GetOrAdd(field, RelationParseOptions.ForField), ref sink);
        }
        catch (RelationFormatException ex)
        {
            throw new InvalidFormatException(AptErrorCodes.InvalidIndexStanza, $"Package {owner}: field {field} is malformed: {ex.Message}", ex, owner.Origin?.BaseUri, field);
        }

        return sink.Groups;
    }

    /// <summary><paramref name="name"/> in lower case, shared with every other use of the same name while the table has room.</summary>
    internal static string InternLower(ReadOnlySpan<char> name)
    {
        Span<char> lower = name.Length <= 256 ? stackalloc char[name.Length] : new char[name.Length];
        name.ToLowerInvariant(lower);
        if (NameLookup.TryGetValue(lower, out var known))
        {
            return known;
        }

        var s = lower.ToString();
        if (Volatile.Read(ref _sharedNames) < MaxSharedNames && Names.TryAdd(s, s))
        {
            Interlocked.Increment(ref _sharedNames);
        }

        return s;
    }

    /// <summary>One atom per relation; architecture lists and build profiles (source fields only) do not make atoms.</summary>
    private readonly struct AtomSink(List<List<DependencyAtom>> groups, string field) : IRelationSink<char>
    {
        public List<List<DependencyAtom>> Groups => groups;

        public void ArchitectureTerm(ReadOnlySpan<char> text, int start, int length, bool negated)
        {
        }

        public void BuildProfileTerm(ReadOnlySpan<char> text, int start, int length, bool negated, bool startsList)
        {
        }

        public void Relation(ReadOnlySpan<char> text, in RelationSyntax r, bool alternative)
        {
            var qualifier = ArchitectureQualifier.None;
            string? architecture = null;
            if (r.QualifierLength >= 0)
            {
                var q = text.Slice(r.QualifierStart, r.QualifierLength);
                (qualifier, architecture) = q.SequenceEqual("any") ? (ArchitectureQualifier.Any, null)
                    : q.SequenceEqual("native") ? (ArchitectureQualifier.Native, (string?)null)
                    : (ArchitectureQualifier.Specific, q.ToString());
            }

            var atom = new DependencyAtom(
                InternLower(text.Slice(r.NameStart, r.NameLength)),
                qualifier,
                architecture,
                (VersionOperator)r.Operator,
                r.VersionLength < 0 ? null : text.Slice(r.VersionStart, r.VersionLength).ToString());
            if (!alternative)
            {
                groups.Add(new List<DependencyAtom>(1));
            }

            groups[^1].Add(atom);
        }

        public Exception Error(ReadOnlySpan<char> text, string code, string problem, int offset, Exception? innerException) =>
            new RelationFormatException(code, problem, field, text.ToString(), offset, innerException);
    }
}
