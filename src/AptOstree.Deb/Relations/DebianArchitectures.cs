namespace AptOstree.Deb.Relations;

/// <summary>
/// Debian architecture names and wildcards (<c>dpkg-architecture --is</c> semantics, simplified to the
/// os-cpu split): <c>amd64</c> is <c>linux-amd64</c>; <c>any</c>, <c>linux-any</c>, <c>any-amd64</c> are wildcards.
/// </summary>
public static class DebianArchitectures
{
    /// <summary>True when <paramref name="architecture"/> is <paramref name="pattern"/> or is matched by the wildcard.</summary>
    public static bool Matches(string architecture, string pattern)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        ArgumentNullException.ThrowIfNull(pattern);
        if (pattern == "any" || architecture == pattern)
        {
            return true;
        }

        if (architecture == "all")
        {
            return pattern == "all";
        }

        var (os, cpu) = Split(architecture);
        var dash = pattern.IndexOf('-');
        if (dash < 0)
        {
            // A plain name (amd64) is linux-amd64.
            return os == "linux" && cpu == pattern;
        }

        var patternOs = pattern[..dash];
        var patternCpu = pattern[(dash + 1)..];
        if (patternOs == "any")
        {
            return patternCpu == "any" || patternCpu == cpu;
        }

        // "gnu-linux-any" style (abi-libc-os-cpu) patterns: compare the os part and the cpu part.
        var lastDash = pattern.LastIndexOf('-');
        patternOs = pattern[..lastDash];
        patternCpu = pattern[(lastDash + 1)..];
        var osMatches = patternOs == os || patternOs == "any" || os.EndsWith("-" + patternOs, StringComparison.Ordinal);
        return osMatches && (patternCpu == "any" || patternCpu == cpu);
    }

    /// <summary>Splits a Debian architecture into (os, cpu): <c>amd64</c> → (linux, amd64), <c>hurd-i386</c> → (hurd, i386).</summary>
    public static (string Os, string Cpu) Split(string architecture)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        var dash = architecture.LastIndexOf('-');
        return dash < 0 ? ("linux", architecture) : (architecture[..dash], architecture[(dash + 1)..]);
    }
}
