namespace AptOstree.Deb;

/// <summary>Builds the general API's objects (<see cref="RelationSet"/>, <see cref="Relation"/>, …) from what <see cref="RelationReader"/> reads.</summary>
internal static class RelationParser
{
    public static RelationSet ParseSet(string text, RelationParseOptions options)
    {
        var sink = new ObjectSink(options.FieldName, text);
        RelationReader.Read(text.AsSpan(), options, ref sink);
        return sink.Finish();
    }

    private struct ObjectSink(string? fieldName, string source) : IRelationSink<char>
    {
        private readonly List<RelationAlternatives> _groups = [];
        private List<Relation>? _group;
        private List<string>? _architectures;
        private List<List<BuildProfileTerm>>? _profiles;

        public void ArchitectureTerm(ReadOnlySpan<char> text, int start, int length, bool negated) =>
            (_architectures ??= []).Add(source.Substring(start, length));

        public void BuildProfileTerm(ReadOnlySpan<char> text, int start, int length, bool negated, bool startsList)
        {
            _profiles ??= [];
            if (startsList)
            {
                _profiles.Add([]);
            }

            _profiles[^1].Add(new BuildProfileTerm(source.Substring(start, length), negated));
        }

        public void Relation(ReadOnlySpan<char> text, in RelationSyntax r, bool alternative)
        {
            var relation = new Relation(
                source.Substring(r.NameStart, r.NameLength),
                r.Operator,
                r.VersionLength < 0 ? null : DebianVersion.Parse(text.Slice(r.VersionStart, r.VersionLength)),
                r.QualifierLength < 0 ? null : ArchitectureQualifier.FromName(source.Substring(r.QualifierStart, r.QualifierLength)),
                r.HasArchitectureRestriction ? new ArchitectureRestriction(_architectures!, r.ArchitectureRestrictionNegated) : null,
                r.HasBuildProfiles ? new BuildProfileFormula(_profiles!) : null);
            _architectures = null;
            _profiles = null;
            if (!alternative)
            {
                Close();
                _group = [];
            }

            _group!.Add(relation);
        }

        public readonly Exception Error(ReadOnlySpan<char> text, string code, string problem, int offset, Exception? innerException) =>
            new RelationFormatException(code, problem, fieldName, source, offset, innerException);

        public RelationSet Finish()
        {
            Close();
            return _groups.Count == 0 ? RelationSet.Empty : new RelationSet(_groups);
        }

        private void Close()
        {
            if (_group is not null)
            {
                _groups.Add(new RelationAlternatives(_group));
                _group = null;
            }
        }
    }
}
