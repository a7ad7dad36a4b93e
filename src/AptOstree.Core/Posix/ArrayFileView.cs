namespace AptOstree.Posix;

/// <summary>A file's bytes already in memory (<see cref="InMemoryPosixFileSystem.MapRead"/>): nothing to unmap.</summary>
internal sealed class ArrayFileView(byte[] content) : IPosixFileView
{
    public ReadOnlySpan<byte> Span => content;

    public void Dispose()
    {
    }
}
