using System.Security.Cryptography;
using System.Text;
using AptOstree.Deb;
using AptOstree.Deb.Apt;
using AptOstree.Deb.Solver;
using Microsoft.Extensions.Logging;

namespace AptOstree.Compose.Layering;

/// <summary>
/// Resolves a layering request with our solver: the base's dpkg database is installed and may not change (every base
/// package is protected), the recorded sources and the local .debs offer the rest. The answer is the packages to
/// layer, in dependency order.
/// </summary>
internal sealed class LayeringResolver
{
    private readonly ILoggerFactory _loggerFactory;

    public LayeringResolver(ILoggerFactory loggerFactory)
    {
        _loggerFactory = loggerFactory;
    }

    /// <summary>A local .deb offered to the solver: its request and its control stanza.</summary>
    public sealed record LocalCandidate(LocalPackageRequest Request, Deb822Paragraph Control);

    /// <summary>The packages to layer in install order; <see cref="UniversePackage.Origin"/> is null for local .debs.</summary>
    public sealed record Resolution(IReadOnlyList<UniversePackage> Packages, IReadOnlyList<UniversePackage> FromSources);

    /// <summary>A package layered now whose version is held (offered with priority, not requested): its import and its control stanza.</summary>
    public sealed record HeldCandidate(ImportedPackage Package, Deb822Paragraph Control);

    public async Task<Resolution> ResolveAsync(IReadOnlyList<UniversePackage> installed, IReadOnlyList<string> names, IReadOnlyList<LocalCandidate> local,
        IReadOnlyList<HeldCandidate> held, IReadOnlyList<AptSource> sources, string cacheDirectory, string? listsDirectory, CancellationToken cancellationToken)
    {
        string architecture = installed.Where(p => p.Architecture != "all").GroupBy(p => p.Architecture).OrderByDescending(g => g.Count()).Select(g => g.Key).FirstOrDefault()
            ?? AptListsDirectory.NativeArchitecture;
        if (names.Count > 0 && sources.Count == 0)
        {
            throw new AptOstreeException(LayeringErrorCodes.PackageNotFound,
                $"Package(s) {string.Join(", ", names)} not found: not in the base commit, and the base commit records no APT sources ({RecordedSources.MetadataKey}) to install from.");
        }

        var all = new List<UniversePackage>();

        // Base first: where an index lists the same version, the universe keeps this (installed, protected) record.
        all.AddRange(installed.Select(p => p with { Protected = true }));
        var localKeys = new HashSet<(string, string, string)>();
        foreach (var l in local)
        {
            var p = PackagesIndexReader.FromParagraph(l.Control, origin: null, $"{l.Request.Nevra}.deb", pin: 1000);
            all.Add(p with { Filename = $"{l.Request.Nevra}.deb", Sha256 = l.Request.Sha256 });
            localKeys.Add((p.Name, p.Version, p.Architecture));
        }

        // Held versions come from the repository's package commits; the priority makes the solver keep them over newer ones.
        foreach (var h in held)
        {
            string file = $"{h.Package.Name}_{h.Package.Version}_{h.Package.Architecture}.deb";
            var p = PackagesIndexReader.FromParagraph(h.Control, origin: null, file, pin: 1000);
            all.Add(p with { Filename = file, Sha256 = h.Package.Sha256 });
        }

        if (sources.Count > 0 && (names.Count > 0 || local.Count > 0))
        {
            string lists = listsDirectory ?? Path.Combine(cacheDirectory, "lists", Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(RecordedSources.Format(sources) + "\n" + architecture)))[..16]);
            if (listsDirectory is null)
            {
                await new RepositoryClient(logger: _loggerFactory.CreateLogger<RepositoryClient>()).UpdateAllAsync(sources, lists, architecture, cancellationToken).ConfigureAwait(false);
            }

            all.AddRange(AptListsDirectory.LoadUniverse(lists, statusFile: null, nativeArchitecture: architecture, foreignArchitectures: [], sources: sources).Packages);
        }

        var universe = PackageUniverse.Create(all, architecture);
        var request = new SolverRequest
        {
            Install = names.Select(PackageRequest.Parse).Concat(local.Select(l => new PackageRequest(l.Request.Name, Version: l.Request.Version))).ToList(),
            InstallRecommends = false,
        };
        SolverSolution solution;
        try
        {
            solution = new DependencySolver(universe, _loggerFactory.CreateLogger<DependencySolver>()).Solve(request, cancellationToken);
        }
        catch (UnsatisfiableException ex)
        {
            throw new AptOstreeException(LayeringErrorCodes.UnsatisfiedDependencies, $"Cannot layer {string.Join(", ", request.Install)} on the base: {ex.Message}", ex);
        }
        catch (AptOstreeException ex) when (ex.ErrorCode == AptErrorCodes.UnknownPackage)
        {
            throw new AptOstreeException(LayeringErrorCodes.PackageNotFound, $"{ex.Message} (looked in the base commit, the local .debs given and the base's sources: {DescribeSources(sources)}).", ex);
        }

        if (solution.Remove.Count > 0)
        {
            throw new AptOstreeException(LayeringErrorCodes.ConflictsWithBase,
                $"Layering {string.Join(", ", request.Install)} would remove base package(s) {string.Join(", ", solution.Remove)}; layering never changes the base.");
        }

        var ordered = InstallOrderPlanner.Plan(universe, solution.Install);
        return new Resolution(ordered, ordered.Where(p => !localKeys.Contains((p.Name, p.Version, p.Architecture))).ToList());
    }

    private static string DescribeSources(IReadOnlyList<AptSource> sources) =>
        sources.Count == 0 ? "none recorded" : string.Join("; ", sources.Select(s => $"{s.Uri} {s.Suite}"));
}
