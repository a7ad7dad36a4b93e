namespace AptOstree;

/// <summary>
/// Stable error codes of AptOstree.Core. Ranges per package: AO1xxx Core, AO2xxx Deb (format),
/// AO3xxx OSTree repository, AO4xxx APT repositories and solver, AO5xxx deployments, AO6xxx Compose.
/// Codes are never reused or renumbered.
/// </summary>
public static class CoreErrorCodes
{
    /// <summary>An error without a more specific code.</summary>
    public const string Unspecified = "AO1000";

    /// <summary>Input does not follow its format.</summary>
    public const string InvalidFormat = "AO1001";

    /// <summary>A path would leave the directory an operation is confined to.</summary>
    public const string UnsafePath = "AO1002";

    /// <summary>Content does not match its expected SHA-256.</summary>
    public const string ChecksumMismatch = "AO1003";

    /// <summary>A POSIX system call failed.</summary>
    public const string PosixCallFailed = "AO1004";

    /// <summary>A text is not a valid SHA-256 checksum.</summary>
    public const string InvalidChecksum = "AO1005";

    /// <summary>Input exceeds a configured safety limit (size, depth, expansion ratio).</summary>
    public const string LimitExceeded = "AO1006";

    /// <summary>An OpenPGP keyring cannot be read or holds no keys.</summary>
    public const string InvalidKeyring = "AO1007";

    /// <summary>No valid OpenPGP signature by a trusted key.</summary>
    public const string BadSignature = "AO1008";

    /// <summary>A tar archive is malformed (bad header checksum, truncated data, a malformed pax record).</summary>
    public const string InvalidTar = "AO1009";

    /// <summary>A tar entry has a type that is not handled (GNU sparse files, multi-volume parts, unknown type flags).</summary>
    public const string UnsupportedTarEntry = "AO1010";

    /// <summary>An argument or option given to an operation, or on a command line, is not one it accepts.</summary>
    public const string InvalidArgument = "AO1011";
}
