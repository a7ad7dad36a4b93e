namespace AptOstree.Compose.Layering;

/// <summary>A local .deb requested for layering, recorded by content: <c>[packages] requested-local=SHA256:NAME_VERSION_ARCH;</c>.</summary>
/// <param name="Sha256">The .deb's SHA-256 (lower-case hex).</param>
/// <param name="Name">Package name.</param>
/// <param name="Version">Package version.</param>
/// <param name="Architecture">Package architecture.</param>
public sealed record LocalPackageRequest(string Sha256, string Name, string Version, string Architecture)
{
    /// <summary><c>NAME_VERSION_ARCH</c>, dpkg's file name stem (the epoch's colon kept).</summary>
    public string Nevra => $"{Name}_{Version}_{Architecture}";

    /// <summary>The origin file form <c>SHA256:NAME_VERSION_ARCH</c>.</summary>
    public override string ToString() => $"{Sha256}:{Nevra}";

    /// <summary>Parses the origin file form; null when it is not <c>SHA256:NAME_VERSION_ARCH</c>.</summary>
    public static LocalPackageRequest? TryParse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        int colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon != 64 || !text[..64].All(char.IsAsciiHexDigitLower))
        {
            return null;
        }

        var parts = text[65..].Split('_');
        return parts.Length == 3 && parts.All(p => p.Length > 0) ? new LocalPackageRequest(text[..64], parts[0], parts[1], parts[2]) : null;
    }
}
