using System.Text;

namespace AptOstree.Deb.Solver;

/// <summary>
/// Shares strings for short ASCII values that repeat (architectures, sections, source names) through a small
/// direct-mapped cache: a hit costs a hash of a few bytes and one comparison, a miss makes a new string and takes the
/// slot. Cheaper than a dictionary lookup per value, at the price of an occasional duplicate string.
/// </summary>
internal sealed class RecentStrings
{
    private const int Slots = 1024;
    private readonly string?[] _slots = new string?[Slots];

    /// <summary>
    /// Per slot, <see cref="Fingerprint"/> of the cached string: a slot of a value that recurs rarely (source names)
    /// holds a string long out of the CPU cache, and comparing with it cost a cache miss on nearly every miss.
    /// </summary>
    private readonly ulong[] _fingerprints = new ulong[Slots];

    /// <summary>The string for <paramref name="ascii"/> (plain ASCII bytes), shared with an earlier equal value when it is still cached.</summary>
    public string Get(ReadOnlySpan<byte> ascii)
    {
        int slot = ascii.IsEmpty ? 0 : (int)(ShortValueHash(ascii.Length, ascii[0], ascii[^1], ascii[ascii.Length / 2]) % Slots);
        ulong fingerprint = Fingerprint(ascii);
        var known = _slots[slot];
        if (known is not null && _fingerprints[slot] == fingerprint && Equal(known, ascii))
        {
            return known;
        }

        var s = Encoding.ASCII.GetString(ascii);
        _slots[slot] = s;
        _fingerprints[slot] = fingerprint;
        return s;
    }

    /// <summary>A cheap hash of a short value from its length and its first, last and middle characters.</summary>
    internal static uint ShortValueHash(int length, int first, int last, int middle) =>
        ((uint)length * 2654435761u) ^ ((uint)first * 40503u) ^ ((uint)last * 9973u) ^ ((uint)middle * 131u);

    /// <summary>The length and the first and last three bytes: equal values always agree, most different ones do not.</summary>
    private static ulong Fingerprint(ReadOnlySpan<byte> ascii)
    {
        ulong key = (ulong)(uint)ascii.Length;
        int n = Math.Min(3, ascii.Length);
        for (int i = 0; i < n; i++)
        {
            key |= (ulong)ascii[i] << (16 + (8 * i));
            key |= (ulong)ascii[ascii.Length - 1 - i] << (40 + (8 * i));
        }

        return key;
    }

    /// <summary>True when <paramref name="text"/> has exactly the characters of the ASCII bytes.</summary>
    /// <remarks>A plain loop: the values are a few bytes long, where <c>Ascii.Equals</c>'s vector set-up costs more than it saves.</remarks>
    public static bool Equal(string text, ReadOnlySpan<byte> ascii)
    {
        if (text.Length != ascii.Length)
        {
            return false;
        }

        for (int i = 0; i < ascii.Length; i++)
        {
            // A byte above 0x7F is never equal: it is not ASCII, whatever character the string holds there.
            if (text[i] != ascii[i] || ascii[i] > 0x7F)
            {
                return false;
            }
        }

        return true;
    }
}
