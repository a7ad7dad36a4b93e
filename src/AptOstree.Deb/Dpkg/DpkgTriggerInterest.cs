namespace AptOstree.Deb.Dpkg;

/// <summary>An <c>interest</c> line of a package's <c>triggers</c> control file.</summary>
/// <param name="Trigger">An explicit trigger name (<c>ldconfig</c>) or, for a file trigger, an absolute path.</param>
/// <param name="Await">False for <c>interest-noawait</c>.</param>
public sealed record DpkgTriggerInterest(string Trigger, bool Await)
{
    /// <summary>True for a file trigger (the name is an absolute path).</summary>
    public bool IsFileTrigger => Trigger.StartsWith('/');

    /// <summary>Parses the interest lines of a <c>triggers</c> control file (comments and <c>activate</c> lines are skipped).</summary>
    public static IReadOnlyList<DpkgTriggerInterest> Parse(string? triggersFile)
    {
        var result = new List<DpkgTriggerInterest>();
        foreach (var raw in (triggersFile ?? string.Empty).Split('\n'))
        {
            string line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var parts = line.Split([' ', '\t'], 2, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 2 && parts[0] is "interest" or "interest-await" or "interest-noawait")
            {
                result.Add(new DpkgTriggerInterest(parts[1].Trim(), parts[0] != "interest-noawait"));
            }
        }

        return result;
    }
}
