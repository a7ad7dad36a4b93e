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

    /// <summary>
    /// The file-name prefix APT uses in its list directory for this distribution: APT's <c>URItoFileName</c> of
    /// <see cref="DistributionUri"/> (scheme and user information dropped, special characters quoted as <c>%xx</c>,
    /// <c>/</c> → <c>_</c>), e.g. <c>host_debian_dists_bookworm</c> or <c>_srv_repo_dists_stable</c> for <c>file:/srv/repo</c>.
    /// </summary>
    public string ListPrefix => AptFileNames.UriToFileName(DistributionUri);

    /// <summary>This entry in deb822 <c>.sources</c> form (without <c>Signed-By</c>).</summary>
    internal string ToDeb822()
    {
        var text = new System.Text.StringBuilder();
        text.Append("Types: ").Append(Type).Append('\n');
        text.Append("URIs: ").Append(Uri).Append('\n');
        text.Append("Suites: ").Append(Suite).Append('\n');
        if (Components.Count > 0)
        {
            text.Append("Components: ").AppendJoin(' ', Components).Append('\n');
        }

        if (Architectures.Count > 0)
        {
            text.Append("Architectures: ").AppendJoin(' ', Architectures).Append('\n');
        }

        return text.ToString();
    }
}
