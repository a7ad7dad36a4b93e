using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using AptOstree.Deb.Apt;
using AptOstree.Deb.Solver;

namespace AptOstree.Compose;

/// <summary>
/// Where a compose's packages come from: the treefile's <c>sources</c> (indexes fetched and verified into the cache),
/// or by default the host's apt sources with the host's lists (as <c>apt-get</c> would see them; run
/// <c>apt-get update</c> first). <see cref="Describe"/> gives the sources with their Release dates for the commit.
/// </summary>
public sealed partial class ComposeSources
{
    private ComposeSources(IReadOnlyList<AptSource> sources, string listsDirectory)
    {
        Sources = sources;
        ListsDirectory = listsDirectory;
    }

    /// <summary>The sources.</summary>
    public IReadOnlyList<AptSource> Sources { get; }

    /// <summary>The APT list directory holding their Release files and Packages indexes.</summary>
    public string ListsDirectory { get; }

    /// <summary>
    /// Prepares the sources of <paramref name="treefile"/>: explicit sources are updated into
    /// <c>CACHE/lists/HASH</c>; host sources use <paramref name="listsDirectory"/> (default <c>/var/lib/apt/lists</c>).
    /// </summary>
    public static async Task<ComposeSources> PrepareAsync(Treefile treefile, string cacheDirectory, string? listsDirectory, string architecture, RepositoryClient? client = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(treefile);
        ArgumentNullException.ThrowIfNull(cacheDirectory);
        if (treefile.Sources is null)
        {
            var host = SourcesList.LoadHost().Where(s => s.Type == "deb").ToList();
            if (treefile.Base is not null && BaseImageReference.TryResolve(treefile.Base, out var baseRef) && baseRef.Codename is { } codename)
            {
                var matching = host.Where(s => s.Suite == codename || s.Suite.StartsWith(codename + "-", StringComparison.Ordinal) || s.Suite.StartsWith(codename + "/", StringComparison.Ordinal)).ToList();
                if (matching.Count == 0)
                {
                    throw new AptOstreeException(ComposeErrorCodes.InvalidTreefile,
                        $"base {treefile.Base}: the host's apt sources have no suite {codename}; add 'sources' to the treefile.");
                }

                host = matching;
            }

            return new ComposeSources(host, listsDirectory ?? AptListsDirectory.DefaultPath);
        }

        var sources = treefile.Sources.SelectMany((s, i) => SourcesList.ParseDeb822(s, $"{treefile.SourcePath ?? "treefile"} sources[{i}]")).Where(s => s.Type == "deb").ToList();
        if (listsDirectory is not null)
        {
            return new ComposeSources(sources, listsDirectory);
        }

        string key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join("\n\n", treefile.Sources) + "\n" + architecture)))[..16];
        string dir = Path.Combine(cacheDirectory, "lists", key);
        await (client ?? new RepositoryClient()).UpdateAllAsync(sources, dir, architecture, cancellationToken).ConfigureAwait(false);
        return new ComposeSources(sources, dir);
    }

    /// <summary>Loads the package universe of these sources for <paramref name="architecture"/> on an empty root.</summary>
    public PackageUniverse LoadUniverse(string architecture) =>
        AptListsDirectory.LoadUniverse(ListsDirectory, statusFile: null, nativeArchitecture: architecture, foreignArchitectures: [], sources: Sources);

    /// <summary>One line per Release file used: <c>URI SUITE Date: …</c>, sorted.</summary>
    public IReadOnlyList<string> Describe()
    {
        var lines = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var source in Sources)
        {
            string prefix = Path.Combine(ListsDirectory, source.ListPrefix);
            foreach (var name in new[] { "_InRelease", "_Release" })
            {
                string path = prefix + name;
                if (!File.Exists(path))
                {
                    continue;
                }

                string text = File.ReadAllText(path);
                string date = DateLine().Match(text) is { Success: true } m ? m.Groups[1].Value.Trim() : "unknown";
                lines.Add($"{source.Uri} {source.Suite} {string.Join(',', source.Components)} Date: {date}");
                break;
            }
        }

        return lines.ToList();
    }

    /// <summary>The newest Release date of the sources (seconds since the epoch), or null.</summary>
    public long? NewestReleaseDate()
    {
        long? newest = null;
        foreach (var line in Describe())
        {
            int at = line.IndexOf("Date: ", StringComparison.Ordinal);
            if (at >= 0 && DateTimeOffset.TryParse(line[(at + 6)..].Replace(" UTC", " +0000", StringComparison.Ordinal), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var d))
            {
                newest = Math.Max(newest ?? 0, d.ToUnixTimeSeconds());
            }
        }

        return newest;
    }

    [GeneratedRegex(@"(?m)^Date:(.*)$")]
    private static partial Regex DateLine();
}
