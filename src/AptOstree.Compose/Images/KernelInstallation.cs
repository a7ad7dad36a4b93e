namespace AptOstree.Compose.Images;

/// <summary>What <see cref="KernelInitramfsStep"/> did.</summary>
/// <param name="KernelVersion">The kernel version (the <c>usr/lib/modules</c> directory name).</param>
/// <param name="KernelPath">The kernel, relative to the tree root: <c>usr/lib/modules/KVER/vmlinuz</c>.</param>
/// <param name="InitramfsPath">The initramfs, relative to the tree root: <c>usr/lib/modules/KVER/initramfs.img</c>.</param>
/// <param name="DracutDuration">How long dracut took.</param>
public sealed record KernelInstallation(string KernelVersion, string KernelPath, string InitramfsPath, TimeSpan DracutDuration);
