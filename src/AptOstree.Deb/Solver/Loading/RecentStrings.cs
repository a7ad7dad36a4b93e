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
