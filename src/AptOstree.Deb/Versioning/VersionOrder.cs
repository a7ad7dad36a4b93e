using System.Runtime.CompilerServices;

namespace AptOstree.Deb;

/// <summary>
/// dpkg's ordering (<c>lib/dpkg/version.c</c>): <c>dpkg_version_compare</c> and <c>verrevcmp</c>. The one
/// implementation both the parsed path (<see cref="DebianVersion"/>) and the raw-text path use.
/// </summary>
internal static class VersionOrder
{
    /// <summary>
    /// Compares two versions given as parts: epochs numerically, then upstream, then revision (an absent revision
    /// is empty, which compares like <c>0</c>). Returns -1, 0 or 1.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // six spans do not fit in argument registers
    public static int Compare(
        int leftEpoch, ReadOnlySpan<char> leftUpstream, ReadOnlySpan<char> leftRevision,
        int rightEpoch, ReadOnlySpan<char> rightUpstream, ReadOnlySpan<char> rightRevision)
    {
        if (leftEpoch != rightEpoch)
        {
            return leftEpoch < rightEpoch ? -1 : 1;
        }

        var c = CompareFragment(leftUpstream, rightUpstream);
        return c != 0 ? c : CompareFragment(leftRevision, rightRevision);
    }

    /// <summary>
    /// Compares two upstream (or two revision) strings: alternately a non-digit run character by character
    /// (with <see cref="Weight"/>) and a digit run numerically. Returns -1, 0 or 1.
    /// </summary>
    public static int CompareFragment(ReadOnlySpan<char> a, ReadOnlySpan<char> b)
    {
        // Skip the common prefix (vectorized), backing up to the start of a digit run it ends inside, because a
        // digit run compares as a whole number. The walk from there is the same as dpkg's walk from the start.
        var common = a.CommonPrefixLength(b);
        if (common == a.Length && common == b.Length)
        {
            return 0;
        }

        while (common > 0 && char.IsAsciiDigit(a[common - 1]))
        {
            common--;
        }

        a = a[common..];
        b = b[common..];
        int i = 0, j = 0;
        while (i < a.Length || j < b.Length)
        {
            while ((i < a.Length && !char.IsAsciiDigit(a[i])) || (j < b.Length && !char.IsAsciiDigit(b[j])))
            {
                var wa = i < a.Length ? Weight(a[i]) : 0;
                var wb = j < b.Length ? Weight(b[j]) : 0;
                if (wa != wb)
                {
                    return wa < wb ? -1 : 1;
                }

                i++;
                j++;
            }

            while (i < a.Length && a[i] == '0')
            {
                i++;
            }

            while (j < b.Length && b[j] == '0')
            {
                j++;
            }

            var firstDifference = 0;
            while (i < a.Length && j < b.Length && char.IsAsciiDigit(a[i]) && char.IsAsciiDigit(b[j]))
            {
                if (firstDifference == 0)
                {
                    firstDifference = a[i] - b[j];
                }

                i++;
                j++;
            }

            if (i < a.Length && char.IsAsciiDigit(a[i]))
            {
                return 1;
            }

            if (j < b.Length && char.IsAsciiDigit(b[j]))
            {
                return -1;
            }

            if (firstDifference != 0)
            {
                return firstDifference < 0 ? -1 : 1;
            }
        }

        return 0;
    }

    /// <summary>dpkg's <c>order()</c>: <c>~</c> first, then end of string and digits, letters, then everything else.</summary>
    private static int Weight(char c)
    {
        if (char.IsAsciiDigit(c))
        {
            return 0;
        }

        if (char.IsAsciiLetter(c))
        {
            return c;
        }

        if (c == '~')
        {
            return -1;
        }

        return c + 256;
    }

    /// <summary>Feeds a fragment to a hash so that fragments comparing equal hash equally.</summary>
    public static void AddNormalized(ref HashCode hash, ReadOnlySpan<char> fragment)
    {
        var i = 0;
        while (i < fragment.Length)
        {
            if (char.IsAsciiDigit(fragment[i]))
            {
                while (i < fragment.Length && fragment[i] == '0')
                {
                    i++;
                }

                while (i < fragment.Length && char.IsAsciiDigit(fragment[i]))
                {
                    hash.Add(fragment[i]);
                    i++;
                }
            }
            else
            {
                hash.Add(fragment[i]);
                i++;
            }
        }
    }
}
