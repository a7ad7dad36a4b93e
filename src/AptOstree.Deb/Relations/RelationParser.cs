
namespace AptOstree.Deb;

/// <summary>A hand-written recursive-descent parser for the relationship grammar (Policy §7.1, dpkg <c>deb-control(5)</c>).</summary>
internal sealed class RelationParser
{
    private readonly string _text;
    private readonly RelationParseOptions _options;
    private int _pos;

    public RelationParser(string text, RelationParseOptions options)
    {
        _text = text;
        _options = options;
    }

    public RelationSet ParseSet()
    {
        var groups = new List<RelationAlternatives>();
        SkipSpace();
        if (AtEnd)
        {
            return RelationSet.Empty;
        }

        while (true)
        {
            groups.Add(ParseGroup());
            SkipSpace();
            if (AtEnd)
            {
                break;
            }

            if (Current != ',')
            {
                throw Error(DebErrorCodes.RelationSyntax, $"unexpected '{Current}' (expected ',', '|' or the end)");
            }

            _pos++;
            SkipSpace();

            // dpkg accepts a trailing comma; an empty group between two commas is an error.
            if (AtEnd)
            {
                break;
            }

            if (Current == ',')
            {
                throw Error(DebErrorCodes.RelationEmpty, "empty relation between commas");
            }
        }

        return new RelationSet(groups);
    }

    private bool AtEnd => _pos >= _text.Length;

    private char Current => _text[_pos];

    private RelationAlternatives ParseGroup()
    {
        var first = ParseRelation();
        SkipSpace();
        if (AtEnd || Current != '|')
        {
            return new RelationAlternatives([first]);
        }

        var alternatives = new List<Relation> { first };
        while (!AtEnd && Current == '|')
        {
            if (!_options.AllowAlternatives)
            {
                throw Error(DebErrorCodes.RelationAlternativesNotAllowed, "alternatives ('|') are not allowed in this field");
            }

            _pos++;
            SkipSpace();
            alternatives.Add(ParseRelation());
            SkipSpace();
        }

        return new RelationAlternatives(alternatives);
    }

    private Relation ParseRelation()
    {
        SkipSpace();
        var nameStart = _pos;
        while (!AtEnd && !IsSpace(Current) && Current is not (',' or '|' or '(' or '[' or '<' or ':' or ')' or ']' or '>'))
        {
            _pos++;
        }

        var name = _text[nameStart.._pos];
        ValidatePackageName(name, nameStart);

        ArchitectureQualifier? qualifier = null;
        if (!AtEnd && Current == ':')
        {
            _pos++;
            var qualStart = _pos;
            while (!AtEnd && (char.IsAsciiLetterOrDigit(Current) || Current == '-'))
            {
                _pos++;
            }

            if (qualStart == _pos)
            {
                throw Error(DebErrorCodes.RelationInvalidArchitectureQualifier, "empty architecture qualifier after ':'", qualStart);
            }

            qualifier = ArchitectureQualifier.FromName(_text[qualStart.._pos]);
        }

        SkipSpace();
        var op = RelationOperator.None;
        DebianVersion? version = null;
        if (!AtEnd && Current == '(')
        {
            (op, version) = ParseVersionConstraint();
            SkipSpace();
        }

        ArchitectureRestriction? restriction = null;
        if (!AtEnd && Current == '[')
        {
            if (!_options.AllowArchitectureRestrictions)
            {
                throw Error(DebErrorCodes.RelationInvalidArchitectureRestriction, "architecture restrictions ('[...]') are not allowed in this field");
            }

            restriction = ParseArchitectureRestriction();
            SkipSpace();
        }

        BuildProfileFormula? profiles = null;
        if (!AtEnd && Current == '<')
        {
            if (!_options.AllowBuildProfiles)
            {
                throw Error(DebErrorCodes.RelationInvalidBuildProfile, "build profiles ('<...>') are not allowed in this field");
            }

            profiles = ParseBuildProfiles();
        }

        return new Relation(name, op, version, qualifier, restriction, profiles);
    }

    private (RelationOperator, DebianVersion) ParseVersionConstraint()
    {
        _pos++; // '('
        SkipSpace();
        var opStart = _pos;
        var op = ParseOperator();
        if (_options.OnlyEqualOperator && op != RelationOperator.Equal)
        {
            throw Error(DebErrorCodes.RelationInvalidOperator, "only '=' may be used in this field", opStart);
        }

        SkipSpace();
        var versionStart = _pos;
        while (!AtEnd && !IsSpace(Current) && Current != ')')
        {
            _pos++;
        }

        if (versionStart == _pos)
        {
            throw Error(DebErrorCodes.RelationInvalidVersion, "missing version in version constraint", versionStart);
        }

        DebianVersion version;
        try
        {
            version = DebianVersion.Parse(_text.AsSpan(versionStart, _pos - versionStart));
        }
        catch (DebianVersionFormatException ex)
        {
            throw new RelationFormatException(DebErrorCodes.RelationInvalidVersion, $"invalid version: {ex.Message}", _options.FieldName, _text, versionStart, ex);
        }

        SkipSpace();
        if (AtEnd || Current != ')')
        {
            throw Error(DebErrorCodes.RelationSyntax, "missing ')' after the version");
        }

        _pos++;
        return (op, version);
    }

    private RelationOperator ParseOperator()
    {
        if (AtEnd)
        {
            throw Error(DebErrorCodes.RelationInvalidOperator, "unterminated version constraint");
        }

        var c = Current;
        var next = _pos + 1 < _text.Length ? _text[_pos + 1] : '\0';
        switch (c)
        {
            case '<':
                _pos += next is '<' or '=' ? 2 : 1;
                return next == '<' ? RelationOperator.StrictlyEarlier : RelationOperator.EarlierOrEqual;
            case '>':
                _pos += next is '>' or '=' ? 2 : 1;
                return next == '>' ? RelationOperator.StrictlyLater : RelationOperator.LaterOrEqual;
            case '=':
                _pos++;
                return RelationOperator.Equal;
            case '!':
                throw Error(DebErrorCodes.RelationInvalidOperator, "'!=' is not a Debian relation operator");
            default:
                // APT reads a constraint without an operator as '='.
                return RelationOperator.Equal;
        }
    }

    private ArchitectureRestriction ParseArchitectureRestriction()
    {
        var open = _pos;
        _pos++; // '['
        var names = new List<string>();
        bool? negated = null;
        while (true)
        {
            SkipSpace();
            if (AtEnd)
            {
                throw Error(DebErrorCodes.RelationInvalidArchitectureRestriction, "unterminated architecture list (missing ']')", open);
            }

            if (Current == ']')
            {
                _pos++;
                break;
            }

            var (name, isNegated, termStart) = ReadNegatableName(
                c => char.IsAsciiLetterOrDigit(c) || c == '-', DebErrorCodes.RelationInvalidArchitectureRestriction, "an architecture name");
            if (negated is not null && negated != isNegated)
            {
                throw Error(DebErrorCodes.RelationInvalidArchitectureRestriction, "architecture list mixes negated ('!') and plain names", termStart);
            }

            negated = isNegated;
            names.Add(name);
        }

        if (names.Count == 0)
        {
            throw Error(DebErrorCodes.RelationInvalidArchitectureRestriction, "empty architecture list", open);
        }

        return new ArchitectureRestriction(names, negated ?? false);
    }

    private BuildProfileFormula ParseBuildProfiles()
    {
        var groups = new List<List<BuildProfileTerm>>();
        while (!AtEnd && Current == '<')
        {
            var open = _pos;
            _pos++;
            var terms = new List<BuildProfileTerm>();
            while (true)
            {
                SkipSpace();
                if (AtEnd)
                {
                    throw Error(DebErrorCodes.RelationInvalidBuildProfile, "unterminated build profile list (missing '>')", open);
                }

                if (Current == '>')
                {
                    _pos++;
                    break;
                }

                var (name, isNegated, _) = ReadNegatableName(
                    c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '+' or '_', DebErrorCodes.RelationInvalidBuildProfile, "a build profile name");
                terms.Add(new BuildProfileTerm(name, isNegated));
            }

            if (terms.Count == 0)
            {
                throw Error(DebErrorCodes.RelationInvalidBuildProfile, "empty build profile list '<>'", open);
            }

            groups.Add(terms);
            SkipSpace();
        }

        return new BuildProfileFormula(groups);
    }

    /// <summary>Reads one term of an architecture or build-profile list: an optional '!' and a non-empty name.</summary>
    private (string Name, bool Negated, int Start) ReadNegatableName(Func<char, bool> isNameChar, string errorCode, string what)
    {
        var termStart = _pos;
        var isNegated = Current == '!';
        if (isNegated)
        {
            _pos++;
        }

        var start = _pos;
        while (!AtEnd && isNameChar(Current))
        {
            _pos++;
        }

        if (start == _pos)
        {
            throw Error(errorCode, "expected " + what, termStart);
        }

        return (_text[start.._pos], isNegated, termStart);
    }

    /// <summary>dpkg's package name rule: starts with a letter or digit, then letters, digits and <c>- + . _</c>.</summary>
    private void ValidatePackageName(string name, int at)
    {
        if (name.Length == 0)
        {
            throw Error(DebErrorCodes.RelationInvalidPackageName, AtEnd ? "missing package name" : $"missing package name before '{Current}'", at);
        }

        if (!char.IsAsciiLetterOrDigit(name[0]))
        {
            throw Error(DebErrorCodes.RelationInvalidPackageName, $"package name '{name}' must start with a letter or digit", at);
        }

        for (var i = 1; i < name.Length; i++)
        {
            var c = name[i];
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('-' or '+' or '.' or '_'))
            {
                throw Error(DebErrorCodes.RelationInvalidPackageName, $"character '{c}' is not allowed in package name '{name}'", at + i);
            }
        }
    }

    private void SkipSpace()
    {
        while (!AtEnd && IsSpace(Current))
        {
            _pos++;
        }
    }

    private static bool IsSpace(char c) => c is ' ' or '\t' or '\n' or '\r';

    private RelationFormatException Error(string code, string problem, int? at = null) =>
        new(code, problem, _options.FieldName, _text, at ?? _pos);
}
