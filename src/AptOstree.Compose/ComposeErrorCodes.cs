namespace AptOstree.Compose;

/// <summary>Stable error codes of AptOstree.Compose (AO6000–AO6999).</summary>
public static class ComposeErrorCodes
{
    /// <summary>A base image reference is not <c>DISTRIBUTION:RELEASE</c>.</summary>
    public const string InvalidBaseImage = "AO6001";

    /// <summary>A treefile has an unknown field, a value of the wrong type, or an invalid value.</summary>
    public const string InvalidTreefile = "AO6101";

    /// <summary>A treefile include cannot be read or includes itself.</summary>
    public const string TreefileIncludeFailed = "AO6102";

    /// <summary>A lockfile is malformed or names packages the indexes do not hold.</summary>
    public const string InvalidLockfile = "AO6103";

    /// <summary>Two packages ship the same path with different content and neither Replaces the other.</summary>
    public const string FileConflict = "AO6110";

    /// <summary>A package cannot be imported into the repository (unsupported entry, bad data).</summary>
    public const string ImportFailed = "AO6111";

    /// <summary>A maintainer script or the package configuration failed.</summary>
    public const string ScriptFailed = "AO6120";

    /// <summary>A maintainer script ran longer than its time limit.</summary>
    public const string ScriptTimedOut = "AO6121";

    /// <summary>The script sandbox cannot run here (no bubblewrap, no overlayfs, no privileges).</summary>
    public const string SandboxUnavailable = "AO6122";

    /// <summary>The assembled tree cannot be turned into the OSTree layout (e.g. <c>/usr/etc</c> already exists).</summary>
    public const string PostprocessFailed = "AO6130";

    /// <summary>A post-processing script of the treefile failed.</summary>
    public const string PostprocessScriptFailed = "AO6131";
}
