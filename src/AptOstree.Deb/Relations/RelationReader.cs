using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace AptOstree.Deb;

/// <summary>
/// The relationship grammar of the SDK (Policy §7.1, dpkg <c>deb-control(5)</c>), one reader for every consumer: the
/// general API (<see cref="RelationSet.Parse"/>), the solver's atoms (<c>RelationCompiler</c>) and the provider index
/// read straight from index bytes (<c>ProvidesReader</c>). It works on bytes or characters without allocating and
/// reports each relation's parts as ranges to an <see cref="IRelationSink{T}"/>; the error codes, messages and
/// offsets are the same whoever reads.
/// </summary>
internal static class RelationReader
{
    /// <summary>Reads a whole field: comma-separated groups of <c>|</c>-separated relations; a trailing comma is allowed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Read<T, TSink>(ReadOnlySpan<T> text, RelationParseOptions options, ref TSink sink)
        where T : unmanaged
        where TSink : struct, IRelationSink<T>
    {
        int pos = SkipSpace(text, 0);
        while (pos < text.Length)
        {
            pos = ReadRelation(text, pos, options, alternative: false, ref sink);
            pos = SkipSpace(text, pos);
            while (pos < text.Length && Is(text[pos], '|'))
            {
                if (!options.AllowAlternatives)
                {
                    throw sink.Error(text, DebErrorCodes.RelationAlternativesNotAllowed, "alternatives ('|') are not allowed in this field", pos, null);
                }

                pos = ReadRelation(text, SkipSpace(text, pos + 1), options, alternative: true, ref sink);
                pos = SkipSpace(text, pos);
            }

            if (pos >= text.Length)
            {
                break;
            }

            if (!Is(text[pos], ','))
            {
                throw sink.Error(text, DebErrorCodes.RelationSyntax, $"unexpected '{(char)TextUnit.Code(text[pos])}' (expected ',', '|' or the end)", pos, null);
            }

            pos = SkipSpace(text, pos + 1);

            // dpkg accepts a trailing comma; an empty group between two commas is an error.
            if (pos < text.Length && Is(text[pos], ','))
            {
                throw sink.Error(text, DebErrorCodes.RelationEmpty, "empty relation between commas", pos, null);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int ReadRelation<T, TSink>(ReadOnlySpan<T> text, int pos, RelationParseOptions options, bool alternative, ref TSink sink)
        where T : unmanaged
        where TSink : struct, IRelationSink<T>
    {
        pos = SkipSpace(text, pos);
        int nameStart = pos;
        while (pos < text.Length && IsNameUnit(TextUnit.Code(text[pos])))
        {
            pos++;
        }

        // A name ends at a blank, a stop or the end; past any other unit, find its end and let the check report it.
        bool plain = pos == text.Length || IsSpace(text[pos]) || IsNameStop(TextUnit.Code(text[pos]));
        while (pos < text.Length && !IsSpace(text[pos]) && !IsNameStop(TextUnit.Code(text[pos])))
        {
            pos++;
        }

        int nameEnd = pos;
        if (!plain || nameStart == nameEnd || !IsAsciiLetterOrDigit(text[nameStart]))
        {
            ValidatePackageName(text, nameStart, nameEnd, ref sink);
        }
        int qualifierStart = -1, qualifierLength = -1;
        if (pos < text.Length && Is(text[pos], ':'))
        {
            qualifierStart = ++pos;
            while (pos < text.Length && (IsAsciiLetterOrDigit(text[pos]) || Is(text[pos], '-')))
            {
                pos++;
            }

            if (qualifierStart == pos)
            {
                throw sink.Error(text, DebErrorCodes.RelationInvalidArchitectureQualifier, "empty architecture qualifier after ':'", qualifierStart, null);
            }

            qualifierLength = pos - qualifierStart;
        }

        pos = SkipSpace(text, pos);
        var op = RelationOperator.None;
        int versionStart = -1, versionLength = -1;
        if (pos < text.Length && Is(text[pos], '('))
        {
            pos = ReadVersionConstraint(text, pos, options, ref sink, out op, out versionStart, out versionLength);
            pos = SkipSpace(text, pos);
        }

        bool hasRestriction = false, negated = false;
        if (pos < text.Length && Is(text[pos], '['))
        {
            if (!options.AllowArchitectureRestrictions)
            {
                throw sink.Error(text, DebErrorCodes.RelationInvalidArchitectureRestriction, "architecture restrictions ('[...]') are not allowed in this field", pos, null);
            }

            pos = ReadArchitectureRestriction(text, pos, ref sink, out negated);
            hasRestriction = true;
            pos = SkipSpace(text, pos);
        }

        bool hasProfiles = false;
        if (pos < text.Length && Is(text[pos], '<'))
        {
            if (!options.AllowBuildProfiles)
            {
                throw sink.Error(text, DebErrorCodes.RelationInvalidBuildProfile, "build profiles ('<...>') are not allowed in this field", pos, null);
            }

            pos = ReadBuildProfiles(text, pos, ref sink);
            hasProfiles = true;
        }

        sink.Relation(text, new RelationSyntax(nameStart, nameEnd - nameStart, qualifierStart, qualifierLength, op, versionStart, versionLength, hasRestriction, negated, hasProfiles), alternative);
        return pos;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int ReadVersionConstraint<T, TSink>(ReadOnlySpan<T> text, int pos, RelationParseOptions options, ref TSink sink, out RelationOperator op, out int versionStart, out int versionLength)
        where T : unmanaged
        where TSink : struct, IRelationSink<T>
    {
        pos = SkipSpace(text, pos + 1);
        int opStart = pos;
        if (pos >= text.Length)
        {
            throw sink.Error(text, DebErrorCodes.RelationInvalidOperator, "unterminated version constraint", pos, null);
        }

        int c = TextUnit.Code(text[pos]);
        int next = pos + 1 < text.Length ? TextUnit.Code(text[pos + 1]) : 0;
        if (c == '<')
        {
            pos += next is '<' or '=' ? 2 : 1;
            op = next == '<' ? RelationOperator.StrictlyEarlier : RelationOperator.EarlierOrEqual;
        }
        else if (c == '>')
        {
            pos += next is '>' or '=' ? 2 : 1;
            op = next == '>' ? RelationOperator.StrictlyLater : RelationOperator.LaterOrEqual;
        }
        else if (c == '=')
        {
            pos++;
            op = RelationOperator.Equal;
        }
        else if (c == '!')
        {
            throw sink.Error(text, DebErrorCodes.RelationInvalidOperator, "'!=' is not a Debian relation operator", pos, null);
        }
        else
        {
            // APT reads a constraint without an operator as '='.
            op = RelationOperator.Equal;
        }

        if (options.OnlyEqualOperator && op != RelationOperator.Equal)
        {
            throw sink.Error(text, DebErrorCodes.RelationInvalidOperator, "only '=' may be used in this field", opStart, null);
        }

        pos = SkipSpace(text, pos);
        versionStart = pos;
        while (pos < text.Length && !IsSpace(text[pos]) && !Is(text[pos], ')'))
        {
            pos++;
        }

        versionLength = pos - versionStart;
        if (versionLength == 0)
        {
            throw sink.Error(text, DebErrorCodes.RelationInvalidVersion, "missing version in version constraint", versionStart, null);
        }

        if (!IsValidVersion(text.Slice(versionStart, versionLength), out var error))
        {
            throw sink.Error(text, DebErrorCodes.RelationInvalidVersion, $"invalid version: {error!.Message}", versionStart, error);
        }

        pos = SkipSpace(text, pos);
        if (pos >= text.Length || !Is(text[pos], ')'))
        {
            throw sink.Error(text, DebErrorCodes.RelationSyntax, "missing ')' after the version", pos, null);
        }

        return pos + 1;
    }

    private static int ReadArchitectureRestriction<T, TSink>(ReadOnlySpan<T> text, int pos, ref TSink sink, out bool negated)
        where T : unmanaged
        where TSink : struct, IRelationSink<T>
    {
        int open = pos++;
        bool? listNegated = null;
        int count = 0;
        while (true)
        {
            pos = SkipSpace(text, pos);
            if (pos >= text.Length)
            {
                throw sink.Error(text, DebErrorCodes.RelationInvalidArchitectureRestriction, "unterminated architecture list (missing ']')", open, null);
            }

            if (Is(text[pos], ']'))
            {
                pos++;
                break;
            }

            int termStart = pos;
            pos = ReadNegatableName(text, pos, profile: false, ref sink, out bool termNegated, out int start);
            if (listNegated is not null && listNegated != termNegated)
            {
                throw sink.Error(text, DebErrorCodes.RelationInvalidArchitectureRestriction, "architecture list mixes negated ('!') and plain names", termStart, null);
            }

            listNegated = termNegated;
            sink.ArchitectureTerm(text, start, pos - start, termNegated);
            count++;
        }

        if (count == 0)
        {
            throw sink.Error(text, DebErrorCodes.RelationInvalidArchitectureRestriction, "empty architecture list", open, null);
        }

        negated = listNegated ?? false;
        return pos;
    }

    private static int ReadBuildProfiles<T, TSink>(ReadOnlySpan<T> text, int pos, ref TSink sink)
        where T : unmanaged
        where TSink : struct, IRelationSink<T>
    {
        while (pos < text.Length && Is(text[pos], '<'))
        {
            int open = pos++;
            int count = 0;
            while (true)
            {
                pos = SkipSpace(text, pos);
                if (pos >= text.Length)
                {
                    throw sink.Error(text, DebErrorCodes.RelationInvalidBuildProfile, "unterminated build profile list (missing '>')", open, null);
                }

                if (Is(text[pos], '>'))
                {
                    pos++;
                    break;
                }

                pos = ReadNegatableName(text, pos, profile: true, ref sink, out bool negated, out int start);
                sink.BuildProfileTerm(text, start, pos - start, negated, startsList: count == 0);
                count++;
            }

            if (count == 0)
            {
                throw sink.Error(text, DebErrorCodes.RelationInvalidBuildProfile, "empty build profile list '<>'", open, null);
            }

            pos = SkipSpace(text, pos);
        }

        return pos;
    }

    /// <summary>One term of an architecture or build-profile list: an optional '!' and a non-empty name.</summary>
    private static int ReadNegatableName<T, TSink>(ReadOnlySpan<T> text, int pos, bool profile, ref TSink sink, out bool negated, out int start)
        where T : unmanaged
        where TSink : struct, IRelationSink<T>
    {
        int termStart = pos;
        negated = Is(text[pos], '!');
        if (negated)
        {
            pos++;
        }

        start = pos;
        while (pos < text.Length && (IsAsciiLetterOrDigit(text[pos]) || Is(text[pos], '-') || (profile && (Is(text[pos], '.') || Is(text[pos], '+') || Is(text[pos], '_')))))
        {
            pos++;
        }

        if (start == pos)
        {
            throw profile
                ? sink.Error(text, DebErrorCodes.RelationInvalidBuildProfile, "expected a build profile name", termStart, null)
                : sink.Error(text, DebErrorCodes.RelationInvalidArchitectureRestriction, "expected an architecture name", termStart, null);
        }

        return pos;
    }

    /// <summary>dpkg's package name rule: starts with a letter or digit, then letters, digits and <c>- + . _</c>.</summary>
    private static void ValidatePackageName<T, TSink>(ReadOnlySpan<T> text, int start, int end, ref TSink sink)
        where T : unmanaged
        where TSink : struct, IRelationSink<T>
    {
        if (start == end)
        {
            throw sink.Error(text, DebErrorCodes.RelationInvalidPackageName, end >= text.Length ? "missing package name" : $"missing package name before '{(char)TextUnit.Code(text[end])}'", start, null);
        }

        if (!IsAsciiLetterOrDigit(text[start]))
        {
            throw sink.Error(text, DebErrorCodes.RelationInvalidPackageName, $"package name '{Text(text[start..end])}' must start with a letter or digit", start, null);
        }

        for (int i = start + 1; i < end; i++)
        {
            if (!IsNameUnit(TextUnit.Code(text[i])))
            {
                throw sink.Error(text, DebErrorCodes.RelationInvalidPackageName, $"character '{Text(text.Slice(i, 1))}' is not allowed in package name '{Text(text[start..end])}'", i, null);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool IsValidVersion<T>(ReadOnlySpan<T> version, out DebianVersionFormatException? error)
        where T : unmanaged
    {
        Span<char> widened = typeof(T) != typeof(char) && version.Length <= 256 ? stackalloc char[version.Length] : default;
        if (typeof(T) != typeof(char))
        {
            if (widened.Length != version.Length)
            {
                widened = new char[version.Length];
            }

            for (int i = 0; i < version.Length; i++)
            {
                widened[i] = (char)TextUnit.Code(version[i]);
            }
        }

        ReadOnlySpan<char> chars = typeof(T) == typeof(char) ? MemoryMarshal.Cast<T, char>(version) : widened;
        error = null;
        if (DebianVersionParser.Split(chars, out _) is null)
        {
            return true;
        }

        try
        {
            DebianVersion.Parse(chars);
        }
        catch (DebianVersionFormatException ex)
        {
            error = ex;
        }

        return error is null;
    }

    /// <summary>Text for a message: characters as they are, bytes as Latin-1 (the reader only gets ASCII bytes).</summary>
    internal static string Text<T>(ReadOnlySpan<T> text)
        where T : unmanaged
    {
        var chars = new char[text.Length];
        for (int i = 0; i < text.Length; i++)
        {
            chars[i] = (char)TextUnit.Code(text[i]);
        }

        return new string(chars);
    }

    private static bool Is<T>(T c, char expected)
        where T : unmanaged => TextUnit.Code(c) == expected;

    private static bool IsSpace<T>(T c)
        where T : unmanaged => IsSpace(TextUnit.Code(c));

    private static bool IsSpace(int c) => c is ' ' or '\t' or '\n' or '\r';

    private static bool IsNameStop(int c) => c is ',' or '|' or '(' or '[' or '<' or ':' or ')' or ']' or '>';

    /// <summary>A unit allowed after the first of a package name: letters, digits and <c>- + . _</c>.</summary>
    private static bool IsNameUnit(int c) => char.IsAsciiLetterOrDigit((char)c) || c is '-' or '+' or '.' or '_';

    private static bool IsAsciiLetterOrDigit<T>(T c)
        where T : unmanaged => char.IsAsciiLetterOrDigit((char)TextUnit.Code(c));

    private static int SkipSpace<T>(ReadOnlySpan<T> text, int pos)
        where T : unmanaged
    {
        while (pos < text.Length && IsSpace(text[pos]))
        {
            pos++;
        }

        return pos;
    }
}
