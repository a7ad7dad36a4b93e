namespace AptOstree.Compose.Images;

/// <summary>A built disk image.</summary>
/// <param name="Path">The raw image file.</param>
/// <param name="Size">Its size in bytes.</param>
/// <param name="Commit">The deployed commit.</param>
/// <param name="Stateroot">The stateroot it is deployed in.</param>
/// <param name="RootFileSystemUuid">The root file system's UUID (the kernel's <c>root=UUID=</c> and GRUB's search key).</param>
/// <param name="Steps">Each step with the time it took, in order.</param>
public sealed record DiskImage(string Path, long Size, string Commit, string Stateroot, Guid RootFileSystemUuid, IReadOnlyList<DiskImageStep> Steps);

/// <summary>One step of building a disk image and the time it took.</summary>
/// <param name="Name">The step: <c>sysroot</c>, <c>deploy</c>, <c>bootloader</c>, <c>esp</c>, <c>rootfs</c>, <c>assemble</c>, <c>cleanup</c> (removing the work directory).</param>
/// <param name="Duration">Wall time.</param>
public sealed record DiskImageStep(string Name, TimeSpan Duration);
