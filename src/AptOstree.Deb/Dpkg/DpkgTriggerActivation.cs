namespace AptOstree.Deb.Dpkg;

/// <summary>An <c>activate</c> line of a package's <c>triggers</c> control file: a trigger the package activates when unpacked.</summary>
/// <param name="Trigger">The explicit trigger name.</param>
/// <param name="Await">False for <c>activate-noawait</c>.</param>
public sealed record DpkgTriggerActivation(string Trigger, bool Await)
{
    /// <summary>Parses the activate lines of a <c>triggers</c> control file (comments and <c>interest</c> lines are skipped).</summary>
    public static IReadOnlyList<DpkgTriggerActivation> Parse(string? triggersFile) =>
        DpkgTriggersControlFile.Directives(triggersFile)
            .Where(d => d.Keyword is "activate" or "activate-await" or "activate-noawait")
            .Select(d => new DpkgTriggerActivation(d.Argument, d.Keyword != "activate-noawait"))
            .ToList();
}
