namespace AptOstree.Compose;

/// <summary>Stable error codes of AptOstree.Compose (AO6000–AO6999).</summary>
public static class ComposeErrorCodes
{
    /// <summary>A base image reference is not <c>DISTRIBUTION:RELEASE</c>.</summary>
    public const string InvalidBaseImage = "AO6001";

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
}
