using System.Text;

namespace AptOstree.Deb.Solver.Loading;

/// <summary>
/// Shares strings for short ASCII values that repeat (architectures, sections, source names) through a small
/// direct-mapped cache: a hit costs a hash of a few bytes and one comparison, a miss makes a new string and takes the
/// slot. Cheaper than a dictionary lookup per value, at the price of an occasional duplicate string.
/// </summary>
internal sealed class RecentStrings
{
    private const int Slots = 1024;
    private readonly string?[] _slots = new string?[Slots];

    /// <summary>The string for <paramref name="ascii"/> (plain ASCII bytes), shared with an earlier equal value when it is still cached.</summary>
    public string Get(ReadOnlySpan<byte> ascii)
    {
        int slot = ascii.IsEmpty ? 0 : (int)((((uint)ascii.Length * 2654435761u) ^ ((uint)ascii[0] * 40503u) ^ ((uint)ascii[^1] * 9973u) ^ ((uint)ascii[ascii.Length / 2] * 131u)) % Slots);
        var known = _slots[slot];
        if (known is not null && Equal(known, ascii))
        {
            return known;
        }

        var s = Encoding.ASCII.GetString(ascii);
        _slots[slot] = s;
        return s;
    }

    /// <summary>True when <paramref name="text"/> has exactly the characters of the ASCII bytes.</summary>
    public static bool Equal(string text, ReadOnlySpan<byte> ascii) => text.Length == ascii.Length && Ascii.Equals(ascii, text);
}
