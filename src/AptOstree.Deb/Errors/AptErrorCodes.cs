namespace AptOstree.Deb;

/// <summary>Stable error codes of APT repositories and the dependency solver (range AO4000–AO4999).</summary>
public static class AptErrorCodes
{
    /// <summary>A sources.list / .sources entry is malformed.</summary>
    public const string InvalidSourceEntry = "AO4001";

    /// <summary>An InRelease file is not a well-formed cleartext-signed message (APT's strict rules).</summary>
    public const string InvalidClearSignedMessage = "AO4002";

    /// <summary>No valid OpenPGP signature by a trusted key covers the Release data.</summary>
    public const string BadSignature = "AO4003";

    /// <summary>A keyring could not be read.</summary>
    public const string InvalidKeyring = "AO4004";

    /// <summary>A Release file is past its Valid-Until date, or dated in the future.</summary>
    public const string ReleaseExpired = "AO4005";

    /// <summary>A Release file is malformed or lacks a required field or hash entry.</summary>
    public const string InvalidRelease = "AO4006";

    /// <summary>A downloaded file's size or SHA-256 differs from what the Release or index promised.</summary>
    public const string HashMismatch = "AO4007";

    /// <summary>A download failed (network error, HTTP status, missing file).</summary>
    public const string DownloadFailed = "AO4008";

    /// <summary>A Packages index or dpkg status stanza is malformed.</summary>
    public const string InvalidIndexStanza = "AO4009";

    /// <summary>An index file uses a compression that cannot be decoded or is corrupt.</summary>
    public const string InvalidCompression = "AO4010";

    /// <summary>The solver found no solution; the message explains the chain of dependencies.</summary>
    public const string Unsatisfiable = "AO4011";

    /// <summary>A request names a package, version or suite that does not exist.</summary>
    public const string UnknownPackage = "AO4012";

    /// <summary>An EDSP scenario is malformed.</summary>
    public const string InvalidEdsp = "AO4013";

    /// <summary>A requested bootstrap variant is unknown.</summary>
    public const string UnknownVariant = "AO4014";

    /// <summary>No index for the configured sources could be found.</summary>
    public const string NoIndexes = "AO4015";

    /// <summary>An index entry lacks what a safe download needs: a size, and a SHA-256 or SHA-512 (MD5 and SHA-1 alone are too weak).</summary>
    public const string InsecureIndexEntry = "AO4016";
}
