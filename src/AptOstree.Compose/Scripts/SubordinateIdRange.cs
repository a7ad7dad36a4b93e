using System.Globalization;

namespace AptOstree.Compose;

/// <summary>A user's range of subordinate ids from <c>/etc/subuid</c> or <c>/etc/subgid</c> (<c>NAME_OR_UID:START:COUNT</c> lines).</summary>
/// <param name="Start">The first host id of the range.</param>
/// <param name="Count">How many ids it holds.</param>
internal readonly record struct SubordinateIdRange(uint Start, uint Count)
{
    /// <summary>The first range of <paramref name="user"/> (by name or uid) in <paramref name="file"/>, or null.</summary>
    public static SubordinateIdRange? Find(string file, string user, uint uid)
    {
        if (!File.Exists(file))
        {
            return null;
        }

        string uidText = uid.ToString(CultureInfo.InvariantCulture);
        foreach (var line in File.ReadLines(file))
        {
            var fields = line.Split(':');
            if (fields.Length == 3
                && (fields[0] == user || fields[0] == uidText)
                && uint.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var start)
                && uint.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out var count)
                && count > 0)
            {
                return new SubordinateIdRange(start, count);
            }
        }

        return null;
    }
}
