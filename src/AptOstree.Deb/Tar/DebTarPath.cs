namespace AptOstree.Deb;

/// <summary>Normalises tar entry names to relative paths and recognises names that would escape a directory.</summary>
public static class DebTarPath
{
    /// <summary>
    /// Turns an archive name into a relative path: leading <c>/</c> are removed (as GNU tar does), empty and
    /// <c>.</c> components dropped, a trailing <c>/</c> dropped. <c>./</c> becomes the empty string. Names with a
    /// <c>..</c> component are returned as they are; use <see cref="IsSafe"/> before using one as a path.
    /// </summary>
    public static string Normalize(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var parts = name.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var kept = parts.Where(p => p != ".").ToArray();
        return string.Join('/', kept);
    }

    /// <summary>True when the normalised name has no <c>..</c> component and no NUL.</summary>
    public static bool IsSafe(string normalizedPath)
    {
        ArgumentNullException.ThrowIfNull(normalizedPath);
        if (normalizedPath.Contains('\0', StringComparison.Ordinal))
        {
            return false;
        }

        foreach (var part in normalizedPath.Split('/'))
        {
            if (part == "..")
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The parent of a normalised path; empty for top-level names.</summary>
    public static string GetParent(string normalizedPath)
    {
        ArgumentNullException.ThrowIfNull(normalizedPath);
        var i = normalizedPath.LastIndexOf('/');
        return i < 0 ? string.Empty : normalizedPath[..i];
    }
}
