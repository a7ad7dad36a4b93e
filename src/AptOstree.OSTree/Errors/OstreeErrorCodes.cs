namespace AptOstree.OSTree;

/// <summary>Stable error codes of the OSTree repository layer (AO3000–AO3999). Codes are never reused.</summary>
public static class OstreeErrorCodes
{
    /// <summary>A GVariant is malformed or not in normal form.</summary>
    public const string InvalidGVariant = "AO3001";

    /// <summary>An OSTree object violates its format (bad mode, bad name, wrong checksum length, unsorted entries).</summary>
    public const string InvalidObject = "AO3002";

    /// <summary>An object's content does not hash to its name.</summary>
    public const string CorruptObject = "AO3003";

    /// <summary>An object that should exist is missing from the repository.</summary>
    public const string ObjectNotFound = "AO3004";

    /// <summary>The directory is not an OSTree repository, or its config is invalid.</summary>
    public const string InvalidRepository = "AO3005";

    /// <summary>A ref name or refspec is malformed, or the ref does not exist.</summary>
    public const string RefNotFound = "AO3006";

    /// <summary>A ref name does not follow libostree's syntax.</summary>
    public const string InvalidRefName = "AO3007";

    /// <summary>The repository mode does not support the requested operation.</summary>
    public const string UnsupportedMode = "AO3008";

    /// <summary>A checkout destination already holds a conflicting entry.</summary>
    public const string CheckoutConflict = "AO3009";

    /// <summary>A hard link was required but could not be made.</summary>
    public const string HardlinkImpossible = "AO3010";

    /// <summary>A path inside a commit does not exist.</summary>
    public const string PathNotFound = "AO3011";

    /// <summary>The source tree holds a file type OSTree cannot store (device, fifo, socket).</summary>
    public const string UnsupportedFileType = "AO3012";

    /// <summary>A remote is missing, misconfigured, or a transfer from it failed.</summary>
    public const string RemoteFailed = "AO3013";

    /// <summary>A signature is missing or does not verify.</summary>
    public const string SignatureInvalid = "AO3014";

    /// <summary>A key is malformed.</summary>
    public const string InvalidKey = "AO3015";

    /// <summary>The repository lock could not be taken.</summary>
    public const string LockFailed = "AO3016";

    /// <summary>An option value is out of range (e.g. a checkout with fewer than one worker).</summary>
    public const string InvalidOption = "AO3017";

    /// <summary>A repository <c>config</c> group or key that was asked for is not there.</summary>
    public const string ConfigKeyNotFound = "AO3018";

    /// <summary>Two trees disagree about a path: a file where a directory is (or the reverse), or a file both ship.</summary>
    public const string TreeConflict = "AO3019";

    /// <summary>A file name OSTree cannot store (not UTF-8, empty, <c>.</c>, <c>..</c> or containing <c>/</c>).</summary>
    public const string InvalidFileName = "AO3020";

    /// <summary>A GLib keyfile (repository <c>config</c>, deployment <c>.origin</c>) that cannot be parsed, or a value of the wrong type.</summary>
    public const string InvalidKeyFile = "AO3021";
}
