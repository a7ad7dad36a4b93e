using AptOstree.Apt;
using AptOstree.Deb.Control;

namespace AptOstree.Deb.Solver.Edsp;

/// <summary>
/// An EDSP 0.5 scenario as APT writes it to an external solver: the request stanza followed by one stanza per
/// package version (<c>APT-ID</c>, <c>Installed</c>, <c>Hold</c>, <c>APT-Pin</c>, <c>APT-Candidate</c>, relations).
/// </summary>
public sealed class EdspScenario
{
    private EdspScenario(SolverRequest request, PackageUniverse universe, string architecture, IReadOnlyList<string> architectures)
    {
        Request = request;
        Universe = universe;
        Architecture = architecture;
        Architectures = architectures;
    }

    /// <summary>The request translated to a <see cref="SolverRequest"/>.</summary>
    public SolverRequest Request { get; }

    /// <summary>The universe of the scenario (installed state included).</summary>
    public PackageUniverse Universe { get; }

    /// <summary>The native architecture.</summary>
    public string Architecture { get; }

    /// <summary>All configured architectures.</summary>
    public IReadOnlyList<string> Architectures { get; }

    /// <summary>Reads a scenario from a stream (stdin of an EDSP solver).</summary>
    /// <param name="stream">The scenario.</param>
    /// <param name="installRecommends">Whether to follow Recommends: EDSP does not transmit apt's command-line option.</param>
    /// <exception cref="InvalidFormatException">The scenario is malformed (<see cref="AptErrorCodes.InvalidEdsp"/>).</exception>
    public static EdspScenario Read(Stream stream, bool installRecommends = true)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var reader = new Deb822Reader(stream, Deb822ReaderOptions.Default, "EDSP scenario", leaveOpen: true);
        var requestStanza = PackagesIndexReader.ReadNext(reader, "EDSP scenario")
            ?? throw Invalid("the scenario is empty");
        string? version = requestStanza.GetValue("Request")?.Trim();
        if (version is null || !version.StartsWith("EDSP 0.", StringComparison.Ordinal))
        {
            throw Invalid($"the first stanza must start with 'Request: EDSP 0.x', found '{version ?? requestStanza.Names.FirstOrDefault() ?? "nothing"}'");
        }

        string arch = requestStanza.GetValue("Architecture")?.Trim() ?? throw Invalid("the request has no Architecture field");
        var archs = (requestStanza.GetValue("Architectures")?.Split(' ', StringSplitOptions.RemoveEmptyEntries) ?? [arch]).ToList();
        bool Flag(string f) => string.Equals(requestStanza.GetValue(f)?.Trim(), "yes", StringComparison.OrdinalIgnoreCase);
        var install = SplitNames(requestStanza.GetValue("Install"));
        var remove = SplitNames(requestStanza.GetValue("Remove"));

        var packages = new List<Solver.UniversePackage>();
        Deb822Paragraph? p;
        while ((p = PackagesIndexReader.ReadNext(reader, "EDSP scenario")) is not null)
        {
            var pkg = PackagesIndexReader.FromParagraph(p, null, "EDSP scenario");
            string aptId = p.GetValue("APT-ID")?.Trim() ?? throw Invalid($"package {pkg} at line {p.LineNumber} has no APT-ID");
            bool installed = string.Equals(p.GetValue("Installed")?.Trim(), "yes", StringComparison.OrdinalIgnoreCase);
            int pin = int.TryParse(p.GetValue("APT-Pin"), System.Globalization.CultureInfo.InvariantCulture, out int n) ? n : 500;
            bool candidate = string.Equals(p.GetValue("APT-Candidate")?.Trim(), "yes", StringComparison.OrdinalIgnoreCase);
            packages.Add(pkg with
            {
                AptId = aptId,
                IsInstalled = installed,
                IsHeld = string.Equals(p.GetValue("Hold")?.Trim(), "yes", StringComparison.OrdinalIgnoreCase),
                IsAutomatic = string.Equals(p.GetValue("APT-Automatic")?.Trim(), "yes", StringComparison.OrdinalIgnoreCase),

                // APT already applied its policy: the candidate is marked; keep its order by pin, candidate on top.
                Pin = candidate ? Math.Max(pin, 1000) : Math.Min(pin, 999),
                Filename = pkg.Filename ?? "edsp:" + aptId,
            });
        }

        var universe = PackageUniverse.Create(packages, arch, archs.Where(a => a != arch));
        var request = new SolverRequest
        {
            Install = install.Select(PackageRequest.Parse).ToList(),
            Remove = remove.Select(r => PackageRequest.Parse(r).Name).ToList(),
            Upgrade = Flag("Upgrade") && !Flag("Dist-Upgrade") && !Flag("Upgrade-All"),
            DistUpgrade = Flag("Dist-Upgrade") || Flag("Upgrade-All"),
            InstallRecommends = installRecommends,
        };
        return new EdspScenario(request, universe, arch, archs);
    }

    private static List<string> SplitNames(string? value) =>
        value is null ? [] : value.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).ToList();

    private static InvalidFormatException Invalid(string what) =>
        new(AptErrorCodes.InvalidEdsp, $"EDSP scenario: {what}.", null, "EDSP scenario");
}
