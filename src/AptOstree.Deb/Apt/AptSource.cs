namespace AptOstree.Deb.Apt;

/// <summary>One repository entry of sources.list / a .sources file, expanded to a single URI and suite.</summary>
/// <param name="Type"><c>deb</c> or <c>deb-src</c>.</param>
/// <param name="Uri">Repository root, e.g. <c>http://host/debian</c>, <c>file:/srv/repo</c> or a plain directory.</param>
/// <param name="Suite">Suite or codename; ending in <c>/</c> for a flat repository.</param>
/// <param name="Components">Components (empty for a flat repository).</param>
/// <param name="Architectures">Restriction to these architectures, or empty for the configured ones.</param>
/// <param name="SignedBy">A keyring path, several paths separated by commas, or an inline armored key block; null for the default keyrings.</param>
/// <param name="Location">File and line (or stanza) the entry came from.</param>
public sealed record AptSource(string Type, string Uri, string Suite, IReadOnlyList<string> Components, IReadOnlyList<string> Architectures, string? SignedBy, string Location)
{
    /// <summary>True for a flat repository (<c>deb uri dir/</c>).</summary>
    public bool IsFlat => Suite.EndsWith('/');

    /// <summary>The URL of the directory holding InRelease/Release.</summary>
    public string DistributionUri => IsFlat ? $"{Uri.TrimEnd('/')}/{Suite.TrimEnd('/')}" : $"{Uri.TrimEnd('/')}/dists/{Suite}";

    /// <summary>The file-name prefix APT uses in its list directory for this distribution (URI without scheme, '/' → '_').</summary>
    public string ListPrefix
    {
        get
        {
            string u = Uri;
            int scheme = u.IndexOf("://", StringComparison.Ordinal);
            u = scheme >= 0 ? u[(scheme + 3)..] : u.StartsWith("file:", StringComparison.Ordinal) ? u[5..] : u;
            string path = IsFlat ? $"{u.TrimEnd('/')}/{Suite.TrimEnd('/')}" : $"{u.TrimEnd('/')}/dists/{Suite}";
            return path.Trim('/').Replace('/', '_');
        }
    }
}
