namespace AptOstree.Deb;

/// <summary>
/// Debian architecture names and wildcards with dpkg's semantics (<c>dpkg-architecture --is</c>, <c>Dpkg::Arch::debarch_is</c>):
/// every architecture is an (abi, libc, os, cpu) tuple — <c>amd64</c> is base-gnu-linux-amd64, <c>armhf</c> is
/// eabihf-gnu-linux-arm, <c>hurd-i386</c> is base-gnu-hurd-i386 — and a wildcard such as <c>linux-any</c>,
/// <c>any-amd64</c>, <c>any-arm</c> or <c>gnu-any-any</c> matches the tuples it names.
/// </summary>
public static class DebianArchitectures
{
    // dpkg's cputable (Debian CPU names).
    private static readonly HashSet<string> Cpus = new(StringComparer.Ordinal)
    {
        "alpha", "amd64", "arc", "armeb", "arm", "arm64", "avr32", "hppa", "loong64", "i386", "ia64", "m32r", "m68k",
        "mips", "mipsel", "mipsr6", "mipsr6el", "mips64", "mips64el", "mips64r6", "mips64r6el", "nios2", "or1k",
        "powerpc", "powerpcel", "ppc64", "ppc64el", "riscv64", "s390", "s390x", "sh3", "sh3eb", "sh4", "sh4eb",
        "sparc", "sparc64", "tilegx",
    };

    // dpkg's tupletable: tuple template -> architecture template, in dpkg's order (first match wins).
    private static readonly (string Tuple, string Architecture)[] Tuples =
    [
        ("eabi-uclibc-linux-arm", "uclibc-linux-armel"),
        ("base-uclibc-linux-<cpu>", "uclibc-linux-<cpu>"),
        ("eabihf-musl-linux-arm", "musl-linux-armhf"),
        ("base-musl-linux-<cpu>", "musl-linux-<cpu>"),
        ("ilp32-gnu-linux-arm64", "arm64ilp32"),
        ("eabihf-gnu-linux-arm", "armhf"),
        ("eabi-gnu-linux-arm", "armel"),
        ("abin32-gnu-linux-mips64r6el", "mipsn32r6el"),
        ("abin32-gnu-linux-mips64r6", "mipsn32r6"),
        ("abin32-gnu-linux-mips64el", "mipsn32el"),
        ("abin32-gnu-linux-mips64", "mipsn32"),
        ("abi64-gnu-linux-mips64r6el", "mips64r6el"),
        ("abi64-gnu-linux-mips64r6", "mips64r6"),
        ("abi64-gnu-linux-mips64el", "mips64el"),
        ("abi64-gnu-linux-mips64", "mips64"),
        ("spe-gnu-linux-powerpc", "powerpcspe"),
        ("x32-gnu-linux-amd64", "x32"),
        ("base-gnu-linux-<cpu>", "<cpu>"),
        ("eabihf-gnu-kfreebsd-arm", "kfreebsd-armhf"),
        ("base-gnu-kfreebsd-<cpu>", "kfreebsd-<cpu>"),
        ("base-gnu-knetbsd-<cpu>", "knetbsd-<cpu>"),
        ("base-gnu-kopensolaris-<cpu>", "kopensolaris-<cpu>"),
        ("base-gnu-hurd-<cpu>", "hurd-<cpu>"),
        ("base-bsd-dragonflybsd-<cpu>", "dragonflybsd-<cpu>"),
        ("base-bsd-freebsd-<cpu>", "freebsd-<cpu>"),
        ("base-bsd-openbsd-<cpu>", "openbsd-<cpu>"),
        ("base-bsd-netbsd-<cpu>", "netbsd-<cpu>"),
        ("base-bsd-darwin-<cpu>", "darwin-<cpu>"),
        ("base-sysv-aix-<cpu>", "aix-<cpu>"),
        ("base-sysv-solaris-<cpu>", "solaris-<cpu>"),
        ("eabi-uclibc-uclinux-arm", "uclinux-armel"),
        ("base-uclibc-uclinux-<cpu>", "uclinux-<cpu>"),
        ("base-tos-mint-m68k", "mint-m68k"),
    ];

    /// <summary>
    /// True when <paramref name="architecture"/> is <paramref name="pattern"/> or matches it as a wildcard
    /// (dpkg's <c>debarch_is</c>). Unknown architectures match only themselves and <c>any</c>.
    /// </summary>
    public static bool Matches(string architecture, string pattern)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        ArgumentNullException.ThrowIfNull(pattern);
        if (pattern == "any" || architecture == pattern)
        {
            return true;
        }

        var real = ToTuple(architecture);
        var alias = WildcardToTuple(pattern);
        if (real is null || alias is null)
        {
            return false;
        }

        for (var i = 0; i < 4; i++)
        {
            if (alias[i] != "any" && alias[i] != real[i])
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// The (abi, libc, os, cpu) tuple of a Debian architecture, e.g. <c>armhf</c> → (eabihf, gnu, linux, arm),
    /// or null when dpkg does not know the architecture.
    /// </summary>
    public static (string Abi, string Libc, string Os, string Cpu)? GetTuple(string architecture)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        var t = ToTuple(architecture);
        return t is null ? null : (t[0], t[1], t[2], t[3]);
    }

    private static string[]? ToTuple(string architecture)
    {
        foreach (var (tuple, arch) in Tuples)
        {
            var slot = arch.IndexOf("<cpu>", StringComparison.Ordinal);
            if (slot < 0)
            {
                if (arch == architecture)
                {
                    return tuple.Split('-');
                }

                continue;
            }

            var prefix = arch[..slot];
            if (architecture.StartsWith(prefix, StringComparison.Ordinal) && Cpus.Contains(architecture[prefix.Length..]))
            {
                return tuple.Replace("<cpu>", architecture[prefix.Length..], StringComparison.Ordinal).Split('-');
            }
        }

        return null;
    }

    private static string[]? WildcardToTuple(string pattern)
    {
        var parts = pattern.Split('-', 4);
        if (!parts.Contains("any"))
        {
            return ToTuple(pattern);
        }

        return parts.Length switch
        {
            4 => parts,
            3 => ["any", .. parts],
            2 => ["any", "any", .. parts],
            _ => ["any", "any", "any", "any"],
        };
    }
}
