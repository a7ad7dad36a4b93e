namespace AptOstree.Compose;

/// <summary>
/// The glob matching of dpkg's <c>--path-exclude</c>/<c>--path-include</c> (fnmatch(3) without flags): <c>*</c> and
/// <c>?</c> match any character including <c>/</c>, <c>[…]</c> is a class (<c>!</c> or <c>^</c> negates, <c>a-z</c>
/// ranges), <c>\</c> quotes the next character.
/// </summary>
internal static class DpkgGlob
{
    /// <summary>True when <paramref name="text"/> matches <paramref name="pattern"/> entirely.</summary>
    public static bool IsMatch(string pattern, string text)
    {
        int p = 0, t = 0, starP = -1, starT = -1;
        while (t < text.Length)
        {
            if (p < pattern.Length && pattern[p] == '*')
            {
                starP = p++;
                starT = t;
                continue;
            }

            if (p < pattern.Length && MatchOne(pattern, ref p, text[t]))
            {
                t++;
                continue;
            }

            if (starP < 0)
            {
                return false;
            }

            // Backtrack: the last '*' swallows one more character.
            p = starP + 1;
            t = ++starT;
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }

    /// <summary>The length of the pattern's literal prefix (up to the first wildcard or quote), as dpkg computes it.</summary>
    public static int LiteralPrefixLength(string pattern)
    {
        int i = pattern.IndexOfAny(['*', '?', '[', '\\']);
        return i < 0 ? pattern.Length : i;
    }

    // Matches one pattern element at p against c; advances p past the element on success.
    private static bool MatchOne(string pattern, ref int p, char c)
    {
        char pc = pattern[p];
        if (pc == '?')
        {
            p++;
            return true;
        }

        if (pc == '\\' && p + 1 < pattern.Length)
        {
            if (pattern[p + 1] != c)
            {
                return false;
            }

            p += 2;
            return true;
        }

        if (pc == '[' && TryClass(pattern, p, c, out int end, out bool matched))
        {
            if (!matched)
            {
                return false;
            }

            p = end;
            return true;
        }

        if (pc != c)
        {
            return false;
        }

        p++;
        return true;
    }

    // A bracket expression starting at start; false when it is not closed (then '[' is literal, as fnmatch does).
    private static bool TryClass(string pattern, int start, char c, out int end, out bool matched)
    {
        int i = start + 1;
        bool negate = i < pattern.Length && pattern[i] is '!' or '^';
        if (negate)
        {
            i++;
        }

        bool found = false;
        bool first = true;
        while (i < pattern.Length && (first || pattern[i] != ']'))
        {
            first = false;
            char low = pattern[i];
            if (low == '\\' && i + 1 < pattern.Length)
            {
                low = pattern[++i];
            }

            if (i + 2 < pattern.Length && pattern[i + 1] == '-' && pattern[i + 2] != ']')
            {
                char high = pattern[i + 2];
                found |= c >= low && c <= high;
                i += 3;
            }
            else
            {
                found |= c == low;
                i++;
            }
        }

        if (i >= pattern.Length)
        {
            end = start;
            matched = false;
            return false;
        }

        end = i + 1;
        matched = found != negate;
        return true;
    }
}
