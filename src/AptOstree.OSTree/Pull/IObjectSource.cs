namespace AptOstree.OSTree;

/// <summary>Where a pull reads objects from: another repository on disk, or an archive repository over HTTP.</summary>
internal interface IObjectSource : IDisposable
{
    string Description { get; }

    Task<Checksum?> ResolveRefAsync(string refName, CancellationToken cancellationToken);

    /// <summary>The object's bytes, or null when the source does not have it.</summary>
    Task<byte[]?> FetchMetadataAsync(Checksum checksum, ObjectType type, CancellationToken cancellationToken);

    /// <summary>Fetches a content object and writes it through <paramref name="transaction"/>, verifying its checksum.</summary>
    Task FetchContentAsync(Checksum checksum, RepositoryTransaction transaction, CancellationToken cancellationToken);
}
