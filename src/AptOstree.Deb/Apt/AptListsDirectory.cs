using System.Runtime.InteropServices;
using AptOstree.Deb.Dpkg;
using AptOstree.Deb.Solver;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AptOstree.Deb.Apt;

/// <summary>
/// APT's own list directory (<c>/var/lib/apt/lists</c>): the Packages indexes <c>apt-get update</c> fetched,
/// stored flat as <c>HOST_PATH_dists_SUITE_COMPONENT_binary-ARCH_Packages[.lz4|.gz|…]</c> next to their
/// InRelease/Release files. Loading them gives the same universe APT uses. The list files do not say which
/// repository they came from: APT finds that in its sources, and <see cref="RepositoryClient"/> records the source
/// of the lists it writes beside them (<c>PREFIX.sources</c>), so a directory it updated is complete on its own.
/// </summary>
public static class AptListsDirectory
{
    /// <summary>The host's list directory: where <c>apt-get update</c> writes and what the SDK reads and updates by default.</summary>
    public const string DefaultPath = "/var/lib/apt/lists";

    /// <summary>The extension of the file that records the source of a distribution's lists (<c>PREFIX.sources</c>).</summary>
    internal const string SourceRecordExtension = ".sources";

    /// <summary>The host's dpkg status file.</summary>
    public const string DefaultStatusPath = "/var/lib/dpkg/status";

    /// <summary>The Packages index files in <paramref name="directory"/>, sorted by name.</summary>
    public static IReadOnlyList<string> FindPackagesIndexes(string directory = DefaultPath)
    {
        ArgumentNullException.ThrowIfNull(directory);
        if (!Directory.Exists(directory))
        {
            return [];
        }

        return Directory.EnumerateFiles(directory)
            .Where(f => Path.GetFileName(f) is var n && (n.EndsWith("_Packages", StringComparison.Ordinal) || n.Contains("_Packages.", StringComparison.Ordinal)))
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>
    /// The sources <see cref="RepositoryClient"/> recorded in <paramref name="directory"/> (one <c>PREFIX.sources</c>
    /// per distribution it updated there); empty for APT's own directory, whose sources are in <c>/etc/apt</c>.
    /// </summary>
    public static IReadOnlyList<AptSource> RecordedSources(string directory = DefaultPath)
    {
        ArgumentNullException.ThrowIfNull(directory);
        if (!Directory.Exists(directory))
        {
            return [];
        }

        var result = new List<AptSource>();
        foreach (var file in Directory.EnumerateFiles(directory, "*" + SourceRecordExtension).Order(StringComparer.Ordinal))
        {
            result.AddRange(SourcesList.ParseDeb822(File.ReadAllText(file), file));
        }

        return result;
    }

    /// <summary>
    /// The origin of a list file, read from its (already verified) InRelease or Release sibling. Its
    /// <see cref="PackageOrigin.BaseUri"/> comes from the first of <paramref name="sources"/> whose
    /// <see cref="AptSource.ListPrefix"/> names the file; null when none does (the file name alone does not say
    /// whether the repository is served over http, https or from a directory).
    /// </summary>
    public static PackageOrigin? OriginOf(string indexPath, out int pin, IReadOnlyList<AptSource>? sources = null)
    {
        ArgumentNullException.ThrowIfNull(indexPath);
        pin = 500;
        string name = Path.GetFileName(indexPath);
        int dists = name.IndexOf("_dists_", StringComparison.Ordinal);
        if (dists < 0)
        {
            return null;
        }

        string dir = Path.GetDirectoryName(indexPath) ?? ".";
        string prefix = name[..dists];
        string afterDists = name[(dists + 7)..];
        foreach (var candidate in Directory.EnumerateFiles(dir, prefix + "_dists_*"))
        {
            string cn = Path.GetFileName(candidate);
            if (!(cn.EndsWith("_InRelease", StringComparison.Ordinal) || cn.EndsWith("_Release", StringComparison.Ordinal)))
            {
                continue;
            }

            string suitePart = cn[(dists + 7)..cn.LastIndexOf('_')];
            if (!afterDists.StartsWith(suitePart + "_", StringComparison.Ordinal))
            {
                continue;
            }

            string text = File.ReadAllText(candidate);
            if (text.StartsWith("-----BEGIN PGP SIGNED MESSAGE-----", StringComparison.Ordinal))
            {
                text = ClearSignedMessage.Parse(text, candidate).SignedText + "\n";
            }

            var release = ReleaseFile.Parse(text, candidate);
            pin = release.DefaultPin;
            string rest = afterDists[(suitePart.Length + 1)..];
            string component = rest[..Math.Max(0, rest.IndexOf('_'))];
            string listPrefix = prefix + "_dists_" + suitePart;
            string? baseUri = sources?.FirstOrDefault(s => s.ListPrefix == listPrefix)?.Uri;
            return release.ToOrigin(component, baseUri);
        }

        return null;
    }

    private static List<AptSource> SafeHostSources()
    {
        try
        {
            return SourcesList.LoadHost();
        }
        catch (InvalidFormatException)
        {
            return [];
        }
    }

    /// <summary>The native dpkg architecture of this machine.</summary>
    public static string NativeArchitecture => RuntimeInformation.OSArchitecture switch
    {
        Architecture.X64 => "amd64",
        Architecture.Arm64 => "arm64",
        Architecture.X86 => "i386",
        Architecture.Arm => "armhf",
        Architecture.S390x => "s390x",
        Architecture.Ppc64le => "ppc64el",
        Architecture.RiscV64 => "riscv64",
        Architecture.LoongArch64 => "loong64",
        _ => RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant(),
    };

    /// <summary>Foreign architectures enabled in a root's dpkg database (<c>var/lib/dpkg/arch</c>).</summary>
    public static IReadOnlyList<string> ForeignArchitectures(string dpkgArchFile = "/var/lib/dpkg/arch", string? native = null)
    {
        if (!File.Exists(dpkgArchFile))
        {
            return [];
        }

        string n = native ?? NativeArchitecture;
        return File.ReadAllLines(dpkgArchFile).Select(l => l.Trim()).Where(l => l.Length > 0 && l != n).ToList();
    }

    /// <summary>
    /// Loads every Packages index of <paramref name="listsDirectory"/> plus the installed state of
    /// <paramref name="statusFile"/> (null: nothing installed) into a universe. Indexes are parsed in parallel.
    /// </summary>
    /// <param name="listsDirectory">The list directory.</param>
    /// <param name="statusFile">The dpkg status file, or null (or empty, which PowerShell passes for <c>$null</c>) for an empty root.</param>
    /// <param name="nativeArchitecture">Native architecture (this machine's by default; null or empty).</param>
    /// <param name="foreignArchitectures">Foreign architectures (the host dpkg's by default).</param>
    /// <param name="sources">Source entries used to recover download URIs besides the ones recorded in the directory
    /// (<see cref="RecordedSources"/>); the host's by default.</param>
    public static PackageUniverse LoadUniverse(string listsDirectory = DefaultPath, string? statusFile = DefaultStatusPath, string? nativeArchitecture = null, IEnumerable<string>? foreignArchitectures = null, IReadOnlyList<AptSource>? sources = null) =>
        LoadUniverseLogged(listsDirectory, statusFile, nativeArchitecture, foreignArchitectures, sources, NullLogger.Instance);

    internal static PackageUniverse LoadUniverseLogged(string listsDirectory, string? statusFile, string? nativeArchitecture, IEnumerable<string>? foreignArchitectures, IReadOnlyList<AptSource>? sources, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(listsDirectory);
        sources = [.. RecordedSources(listsDirectory), .. sources ?? SafeHostSources()];
        var indexes = FindPackagesIndexes(listsDirectory);
        if (indexes.Count == 0)
        {
            throw new AptException(AptErrorCodes.NoIndexes, $"No Packages indexes in {listsDirectory}; run 'apt-get update' or 'apt-ostree apt update' first.");
        }

        var parts = new List<UniversePackage>[indexes.Count];
        Parallel.For(0, indexes.Count, i =>
        {
            var origin = OriginOf(indexes[i], out int pin, sources);
            parts[i] = PackagesIndexReader.ReadFile(indexes[i], origin, pin);
            AptLog.IndexLoaded(logger, indexes[i], parts[i].Count);
        });
        var installed = string.IsNullOrEmpty(statusFile) ? [] : DpkgStatusReader.ReadFile(statusFile);
        string native = string.IsNullOrEmpty(nativeArchitecture) ? NativeArchitecture : nativeArchitecture;
        return PackageUniverse.Create(parts.SelectMany(p => p).Concat(installed), native, foreignArchitectures ?? ForeignArchitectures(native: native));
    }
}
