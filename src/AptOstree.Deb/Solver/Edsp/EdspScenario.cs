using AptOstree.Deb.Apt;

namespace AptOstree.Deb.Solver;

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
        const string SourceName = "EDSP scenario";
        var data = ReadAll(stream);
        PackageStanzaScanner.ThrowIfNotUtf8(data.Span, SourceName);
        var scanner = new PackageStanzaScanner(data, SourceName);
        if (!scanner.MoveNext())
        {
            throw Invalid("the scenario is empty");
        }

        var requestStanza = ParseRequestStanza(data[scanner.StanzaStart..scanner.StanzaEnd], SourceName);
        string? version = requestStanza.GetValue("Request")?.Trim();
        if (version is null || !version.StartsWith("EDSP 0.", StringComparison.Ordinal))
        {
            throw Invalid($"the first stanza must start with 'Request: EDSP 0.x', found '{version ?? requestStanza.Names.FirstOrDefault() ?? "nothing"}'");
        }

        string arch = requestStanza.GetValue("Architecture")?.Trim() is { Length: > 0 } native ? native : throw Invalid("the request has no Architecture field");
        var archs = (requestStanza.GetValue("Architectures")?.Split(' ', StringSplitOptions.RemoveEmptyEntries) ?? [arch]).ToList();
        bool Flag(string f) => string.Equals(requestStanza.GetValue(f)?.Trim(), "yes", StringComparison.OrdinalIgnoreCase);
        var install = SplitNames(requestStanza.GetValue("Install"));
        var remove = SplitNames(requestStanza.GetValue("Remove"));

        var packages = PackageStanzaScanner.ReadAll(data[scanner.StanzaEnd..], scanner.NextLine, SourceName, ToPackage);
        var universe = PackageUniverse.Create(packages, arch, archs.Where(a => a != arch), ownsRecords: true);
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

    private static UniversePackage ToPackage(PackageStanzaScanner scanner)
    {
        string aptId = scanner.Trimmed(StanzaField.AptId) ?? throw Invalid($"package {scanner.ToPackage(null)} at line {scanner.StanzaLine} has no APT-ID");
        int pin = scanner.Int32(StanzaField.AptPin) ?? 500;
        bool candidate = scanner.IsYes(StanzaField.AptCandidate);
        var state = new EdspVersionState(aptId, scanner.IsYes(StanzaField.Installed), scanner.IsYes(StanzaField.Hold), scanner.IsYes(StanzaField.AptAutomatic));

        // APT already applied its policy: the candidate is marked; keep its order by pin, candidate on top.
        return scanner.ToPackage(null, candidate ? Math.Max(pin, 1000) : Math.Min(pin, 999), state);
    }

    /// <summary>The first buffer for a stream of unknown length: 30 MB is all of bookworm for one architecture.</summary>
    private const long UnknownLengthCapacity = 64L << 20;

    /// <summary>Reads the whole stream straight into one array (no zeroing, no intermediate copy).</summary>
    private static ReadOnlyMemory<byte> ReadAll(Stream stream)
    {
        // From a pipe (apt's way) the length is unknown: start large enough for a whole distribution's scenario. The
        // array is not zeroed, so its pages are only faulted in as they fill; doubling from a small array touched and
        // kept (no collections in `apt edsp`) about twice the input.
        long expected = stream.CanSeek ? Math.Max(0, stream.Length - stream.Position) : UnknownLengthCapacity;
        var buffer = GC.AllocateUninitializedArray<byte>((int)Math.Clamp(expected + 1, 1 << 20, Array.MaxLength));
        int length = 0;
        while (true)
        {
            if (length == buffer.Length)
            {
                if (buffer.Length == Array.MaxLength)
                {
                    throw Invalid("the scenario is larger than 2 GiB");
                }

                var larger = GC.AllocateUninitializedArray<byte>((int)Math.Min(Array.MaxLength, 2L * buffer.Length));
                buffer.AsSpan(0, length).CopyTo(larger);
                buffer = larger;
            }

            int n = stream.Read(buffer, length, buffer.Length - length);
            if (n == 0)
            {
                return buffer.AsMemory(0, length);
            }

            length += n;
        }
    }

    private static Deb822Paragraph ParseRequestStanza(ReadOnlyMemory<byte> bytes, string sourceName)
    {
        try
        {
            return Deb822Paragraph.Parse(System.Text.Encoding.UTF8.GetString(bytes.Span));
        }
        catch (InvalidFormatException ex) when (ex.ErrorCode != AptErrorCodes.InvalidIndexStanza)
        {
            throw new InvalidFormatException(AptErrorCodes.InvalidIndexStanza, $"{sourceName}: malformed stanza: {ex.Message}", ex, sourceName, ex.Location);
        }
    }

    private static List<string> SplitNames(string? value) =>
        value is null ? [] : value.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).ToList();

    private static InvalidFormatException Invalid(string what) =>
        new(AptErrorCodes.InvalidEdsp, $"EDSP scenario: {what}.", null, "EDSP scenario");
}
