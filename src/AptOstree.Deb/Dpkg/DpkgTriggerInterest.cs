namespace AptOstree.Deb.Dpkg;

/// <summary>An <c>interest</c> line of a package's <c>triggers</c> control file.</summary>
/// <param name="Trigger">An explicit trigger name (<c>ldconfig</c>) or, for a file trigger, an absolute path.</param>
/// <param name="Await">False for <c>interest-noawait</c>.</param>
public sealed record DpkgTriggerInterest(string Trigger, bool Await)
{
    /// <summary>True for a file trigger (the name is an absolute path).</summary>
    public bool IsFileTrigger => Trigger.StartsWith('/');

    /// <summary>Parses the interest lines of a <c>triggers</c> control file (comments and <c>activate</c> lines are skipped).</summary>
    public static IReadOnlyList<DpkgTriggerInterest> Parse(string? triggersFile) =>
        DpkgTriggersControlFile.Directives(triggersFile)
            .Where(d => d.Keyword is "interest" or "interest-await" or "interest-noawait")
            .Select(d => new DpkgTriggerInterest(d.Argument, d.Keyword != "interest-noawait"))
            .ToList();
}
