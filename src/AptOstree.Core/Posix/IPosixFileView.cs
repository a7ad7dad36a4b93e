namespace AptOstree.Posix;

/// <summary>
/// The bytes of a regular file, read-only, without a managed copy where the file system can avoid one (a read-only
/// memory map on a real system). Made by <see cref="IPosixFileSystem.MapRead"/>; the span is valid until
/// <see cref="IDisposable.Dispose"/>.
/// </summary>
public interface IPosixFileView : IDisposable
{
    /// <summary>The file's bytes as they were when it was mapped.</summary>
    ReadOnlySpan<byte> Span { get; }
}
