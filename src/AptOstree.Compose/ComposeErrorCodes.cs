namespace AptOstree.Compose;

/// <summary>Stable error codes of AptOstree.Compose (AO6000–AO6999).</summary>
public static class ComposeErrorCodes
{
    /// <summary>A base image reference is not <c>DISTRIBUTION:RELEASE</c>.</summary>
    public const string InvalidBaseImage = "AO6001";

    /// <summary>A tool the script sandbox needs (<c>bwrap</c>, <c>unshare</c>, <c>mount</c>, <c>newuidmap</c>, <c>tar</c>) is not installed.</summary>
    public const string SandboxToolMissing = "AO6002";

    /// <summary>User namespaces are disabled or refused, so an unprivileged sandbox cannot be made.</summary>
    public const string UserNamespacesUnavailable = "AO6003";

    /// <summary>The user has no subordinate id range in <c>/etc/subuid</c> or <c>/etc/subgid</c>.</summary>
    public const string SubordinateIdsMissing = "AO6004";

    /// <summary>The sandbox could not be set up (overlay mount, bubblewrap setup) or its directories are unusable.</summary>
    public const string SandboxSetupFailed = "AO6005";

    /// <summary>A command run in the sandbox exited with a non-zero status.</summary>
    public const string SandboxCommandFailed = "AO6006";

    /// <summary>A command run in the sandbox exceeded its time limit and was killed with its processes.</summary>
    public const string SandboxTimeLimitExceeded = "AO6007";

    /// <summary>The sandbox's changes (its overlay upper directory) could not be read.</summary>
    public const string SandboxCaptureFailed = "AO6008";

    /// <summary>An external tool that image building needs (<c>sfdisk</c>, <c>mkfs.ext4</c>, <c>grub-mkstandalone</c>, …) is not installed.</summary>
    public const string ImageToolMissing = "AO6901";

    /// <summary>An external tool of image building or kernel processing exited with an error; the message names it and quotes its output.</summary>
    public const string ImageToolFailed = "AO6902";

    /// <summary>The requested disk image size cannot hold the sysroot; the message gives the size needed.</summary>
    public const string ImageTooSmall = "AO6903";

    /// <summary>Building a bootable disk image needs root: file ownership in the image must be root's, not the caller's.</summary>
    public const string ImageNeedsRoot = "AO6904";

    /// <summary>A tree that should be bootable has no kernel (<c>boot/vmlinuz-KVER</c> or <c>usr/lib/modules/KVER/vmlinuz</c>), or more than one.</summary>
    public const string KernelNotFound = "AO6905";
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

    /// <summary>The assembled tree cannot be turned into the OSTree layout (e.g. <c>/usr/etc</c> already exists).</summary>
    public const string PostprocessFailed = "AO6130";

    /// <summary>A post-processing script of the treefile failed.</summary>
    public const string PostprocessScriptFailed = "AO6131";
}
