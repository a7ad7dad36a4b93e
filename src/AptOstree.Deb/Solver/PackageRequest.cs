namespace AptOstree.Deb.Solver;

/// <summary>
/// One package named in a request, in apt-get syntax: <c>name</c>, <c>name:arch</c>, <c>name=version</c> or
/// <c>name/suite</c>.
/// </summary>
/// <param name="Name">Package (or virtual package) name.</param>
/// <param name="Architecture">Architecture, or null for the native one (or any, for M-A: foreign/all).</param>
/// <param name="Version">Exact version wanted, or null for the candidate.</param>
/// <param name="Suite">Suite or codename to take the version from, or null.</param>
public sealed record PackageRequest(string Name, string? Architecture = null, string? Version = null, string? Suite = null)
{
    /// <summary>Parses <c>name[:arch][=version|/suite]</c>.</summary>
    public static PackageRequest Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string request = text;
        string? version = null;
        string? suite = null;
        int eq = text.IndexOf('=');
        if (eq > 0)
        {
            version = text[(eq + 1)..];
            text = text[..eq];
        }
        else
        {
            int slash = text.IndexOf('/');
            if (slash > 0)
            {
                suite = text[(slash + 1)..];
                text = text[..slash];
            }
        }

        string? arch = null;
        int colon = text.IndexOf(':');
        if (colon > 0)
        {
            arch = text[(colon + 1)..];
            text = text[..colon];
        }

        if (string.IsNullOrWhiteSpace(text) || version is { Length: 0 } || suite is { Length: 0 } || arch is { Length: 0 })
        {
            throw new AptOstreeException(AptErrorCodes.UnknownPackage, $"'{request}' is not a valid package request (expected name[:arch][=version|/suite]).");
        }

        return new PackageRequest(text.ToLowerInvariant(), arch, version, suite);
    }

    /// <inheritdoc />
    public override string ToString() =>
        Name + (Architecture is null ? string.Empty : ":" + Architecture) + (Version is null ? string.Empty : "=" + Version) + (Suite is null ? string.Empty : "/" + Suite);
}
