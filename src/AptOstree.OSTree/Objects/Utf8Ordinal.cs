using System.Text;

namespace AptOstree.OSTree;

/// <summary>Orders strings by their UTF-8 bytes, as libostree's <c>strcmp</c> does (differs from UTF-16 ordinal for astral characters).</summary>
internal sealed class Utf8Ordinal : IComparer<string>
{
    public static Utf8Ordinal Instance { get; } = new();

    public int Compare(string? x, string? y)
    {
        if (ReferenceEquals(x, y))
        {
            return 0;
        }

        if (x is null || y is null)
        {
            return x is null ? -1 : 1;
        }

        bool ascii = true;
        int n = Math.Min(x.Length, y.Length);
        for (int i = 0; i < n; i++)
        {
            char a = x[i], b = y[i];
            if (a == b)
            {
                continue;
            }

            if (a < 0xD800 && b < 0xD800)
            {
                return a < b ? -1 : 1;
            }

            ascii = false;
            break;
        }

        if (ascii)
        {
            return x.Length.CompareTo(y.Length);
        }

        return Encoding.UTF8.GetBytes(x).AsSpan().SequenceCompareTo(Encoding.UTF8.GetBytes(y));
    }
}
