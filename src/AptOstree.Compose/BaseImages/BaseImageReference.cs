using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace AptOstree.Compose;

/// <summary>
/// A base image as users name it — <c>DISTRIBUTION:RELEASE</c>, e.g. <c>debian:12</c> or <c>ubuntu:24.04</c> —
/// and the OSTree branch that holds it: <c>DISTRIBUTION/RELEASE/ARCH</c> with the Debian architecture name
/// (<c>debian/12/x86_64</c> uses the machine name, as OSTree branches for Fedora and Debian images do).
/// </summary>
/// <param name="Distribution">Lowercase distribution id, as in <c>ID=</c> of os-release (<c>debian</c>, <c>ubuntu</c>).</param>
/// <param name="Release">Release number or codename (<c>12</c>, <c>bookworm</c>, <c>24.04</c>).</param>
public sealed partial record BaseImageReference(string Distribution, string Release)
{
    // Release numbers and codenames of the releases APT archives serve (os-release VERSION_ID and VERSION_CODENAME).
    private static readonly (string Distribution, string Version, string Codename)[] KnownReleases =
    [
        ("debian", "10", "buster"), ("debian", "11", "bullseye"), ("debian", "12", "bookworm"), ("debian", "13", "trixie"),
        ("debian", "14", "forky"), ("debian", "unstable", "sid"),
        ("ubuntu", "20.04", "focal"), ("ubuntu", "22.04", "jammy"), ("ubuntu", "24.04", "noble"), ("ubuntu", "24.10", "oracular"),
        ("ubuntu", "25.04", "plucky"), ("ubuntu", "25.10", "questing"),
    ];

    /// <summary>The release's codename, which is the APT suite (<c>bookworm</c> for <c>debian:12</c>), when known.</summary>
    public string? Codename => KnownReleases.FirstOrDefault(r => r.Distribution == Distribution && (r.Version == Release || r.Codename == Release)).Codename;

    /// <summary>Parses <c>DISTRIBUTION:RELEASE</c>.</summary>
    /// <exception cref="InvalidFormatException">The text is not of that form.</exception>
    public static BaseImageReference Parse(string text) =>
        TryParse(text, out var reference)
            ? reference
            : throw new InvalidFormatException(ComposeErrorCodes.InvalidBaseImage,
                $"'{text}' is not a base image reference: expected DISTRIBUTION:RELEASE such as 'debian:12' or 'ubuntu:24.04'.");

    /// <summary>Tries to parse <c>DISTRIBUTION:RELEASE</c>.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, [NotNullWhen(true)] out BaseImageReference? reference)
    {
        reference = null;
        if (text is null)
        {
            return false;
        }

        var match = Syntax().Match(text);
        if (!match.Success)
        {
            return false;
        }

        reference = new BaseImageReference(match.Groups["dist"].Value, match.Groups["release"].Value);
        return true;
    }

    /// <summary>
    /// Resolves any way a treefile names its base: <c>DISTRIBUTION:RELEASE</c>, a known codename (<c>bookworm</c>,
    /// <c>noble</c>) or a branch name (<c>debian/12/x86_64</c>).
    /// </summary>
    public static bool TryResolve([NotNullWhen(true)] string? text, [NotNullWhen(true)] out BaseImageReference? reference)
    {
        if (TryParse(text, out reference))
        {
            return true;
        }

        if (text is null)
        {
            return false;
        }

        var known = KnownReleases.FirstOrDefault(r => r.Codename == text);
        if (known.Codename is not null)
        {
            reference = new BaseImageReference(known.Distribution, known.Version);
            return true;
        }

        var parts = text.Split('/');
        return parts.Length == 3 && parts[2].Length > 0 && TryParse($"{parts[0]}:{parts[1]}", out reference);
    }

    /// <summary>The OSTree branch for <paramref name="machine"/> (default: this process's architecture), e.g. <c>ubuntu/24.04/x86_64</c>.</summary>
    public string ToBranch(string? machine = null) => $"{Distribution}/{Release}/{machine ?? HostMachine()}";

    /// <summary><c>DISTRIBUTION:RELEASE</c>.</summary>
    public override string ToString() => $"{Distribution}:{Release}";

    /// <summary>The kernel's machine name (<c>uname -m</c>) of the running process's architecture.</summary>
    public static string HostMachine() => RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => "x86_64",
        Architecture.Arm64 => "aarch64",
        Architecture.X86 => "i686",
        Architecture.Arm => "armv7l",
        Architecture.S390x => "s390x",
        Architecture.Ppc64le => "ppc64le",
        Architecture.RiscV64 => "riscv64",
        Architecture.LoongArch64 => "loongarch64",
        var other => other.ToString().ToLowerInvariant(),
    };

    /// <summary>The kernel machine name of a dpkg architecture (<c>amd64</c> → <c>x86_64</c>), for branch names.</summary>
    public static string MachineOf(string dpkgArchitecture) => dpkgArchitecture switch
    {
        "amd64" => "x86_64",
        "arm64" => "aarch64",
        "i386" => "i686",
        "armhf" => "armv7l",
        "ppc64el" => "ppc64le",
        "loong64" => "loongarch64",
        var other => other,
    };

    // Distribution ids follow os-release ID= (lowercase letters, digits, '-', '_', '.'); releases are
    // version numbers or codenames. Neither may contain '/', which would change the branch's shape.
    [GeneratedRegex(@"^(?<dist>[a-z0-9][a-z0-9._-]*):(?<release>[A-Za-z0-9][A-Za-z0-9._~+-]*)$")]
    private static partial Regex Syntax();
}
