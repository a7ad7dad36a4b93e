namespace AptOstree.OSTree;

/// <summary>Stable error codes of the deployment manager (AO5000–AO5999). Codes are never reused or renumbered.</summary>
public static partial class DeploymentErrorCodes
{
    /// <summary>The directory is not an OSTree sysroot (no <c>ostree/repo</c> or <c>ostree/deploy</c>).</summary>
    public const string NotASysroot = "AO5001";

    /// <summary>The named stateroot (OS) does not exist in the sysroot.</summary>
    public const string UnknownStateroot = "AO5002";

    /// <summary>A <c>.origin</c> or other keyfile cannot be parsed.</summary>
    public const string InvalidKeyFile = "AO5003";

    /// <summary>A boot loader entry or the boot symlink farm is malformed or dangling.</summary>
    public const string InvalidBootConfiguration = "AO5004";

    /// <summary>The commit has no kernel where the boot layout requires one.</summary>
    public const string KernelNotFound = "AO5005";

    /// <summary>The tree cannot be deployed (both <c>/etc</c> and <c>/usr/etc</c>, no os-release…).</summary>
    public const string TreeNotDeployable = "AO5006";

    /// <summary>The /etc three-way merge hit a conflict it cannot resolve (a modified file now defaults to a directory).</summary>
    public const string EtcMergeConflict = "AO5007";

    /// <summary>A deployment index is out of range.</summary>
    public const string NoSuchDeployment = "AO5008";

    /// <summary>The operation would remove or change the booted deployment.</summary>
    public const string BootedDeploymentProtected = "AO5009";

    /// <summary>Another process holds the sysroot lock.</summary>
    public const string SysrootLocked = "AO5010";

    /// <summary>A deployment directory name is not <c>&lt;checksum&gt;.&lt;serial&gt;</c>.</summary>
    public const string InvalidDeploymentName = "AO5011";

    /// <summary>A kernel argument edit is invalid (for example deleting an argument that is not present).</summary>
    public const string InvalidKernelArgument = "AO5012";

    /// <summary>There is no staged deployment to finalize, or one is already staged.</summary>
    public const string StagingState = "AO5013";

    /// <summary>A refspec or revision could not be resolved in the sysroot repository.</summary>
    public const string UnresolvedRevision = "AO5014";
}
