using AptOstree.Posix;

namespace AptOstree.OSTree;

/// <summary>Objects from another repository on the local file system (any mode).</summary>
internal sealed class LocalObjectSource : IObjectSource
{
    private readonly OstreeRepository _source;

    public LocalObjectSource(OstreeRepository source) => _source = source;

    public string Description => _source.Path;

    public Task<Checksum?> ResolveRefAsync(string refName, CancellationToken cancellationToken) => Task.FromResult(_source.Refs.TryResolve(refName));

    public Task<byte[]?> FetchRepositoryFileAsync(string name, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        string path = Path.Combine(_source.Path, name);
        var fs = _source.FileSystem;
        return Task.FromResult(fs.FileExists(path) ? fs.ReadAllBytes(path) : null);
    }

    public Task<byte[]?> FetchMetadataAsync(Checksum checksum, ObjectType type, long maxSize, CancellationToken cancellationToken) =>
        Task.FromResult(_source.Objects.Contains(checksum, type) ? _source.Objects.ReadMetadataBytes(checksum, type) : null);

    public Task FetchContentAsync(Checksum checksum, RepositoryTransaction transaction, CancellationToken cancellationToken)
    {
        using var content = _source.Objects.OpenContent(checksum);
        transaction.WriteContent(content.Header, content.Header.IsRegularFile ? content.Content : null, content.Size, checksum);
        return Task.CompletedTask;
    }

    public void Dispose()
    {
    }
}
