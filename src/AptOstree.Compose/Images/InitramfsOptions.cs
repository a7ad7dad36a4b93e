namespace AptOstree.Compose.Images;

/// <summary>How <see cref="KernelInitramfsStep"/> generates the initramfs with dracut.</summary>
public sealed record InitramfsOptions
{
    /// <summary>dracut modules added with <c>--add</c>; default <c>ostree</c> (Debian's <c>ostree-boot</c> ships it), which mounts the deployment.</summary>
    public IReadOnlyList<string> Modules { get; init; } = ["ostree"];

    /// <summary>Further dracut arguments (e.g. <c>--compress=zstd</c>, <c>--omit=plymouth</c>), after the fixed
    /// <c>--no-hostonly --reproducible</c>: the image must boot any machine, and the same tree gives the same initramfs.</summary>
    public IReadOnlyList<string> Arguments { get; init; } = [];
}
