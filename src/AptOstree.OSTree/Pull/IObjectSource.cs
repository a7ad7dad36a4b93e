namespace AptOstree.OSTree;

/// <summary>Where a pull reads objects from: another repository on disk, or an archive repository over HTTP.</summary>
internal interface IObjectSource : IDisposable
{
    string Description { get; }

    /// <summary>The commit <c>refs/heads/REF</c> names on the source, or null.</summary>
    Task<Checksum?> ResolveRefAsync(string refName, CancellationToken cancellationToken);

    /// <summary>A file at the top of the source repository (<c>summary</c>, <c>summary.sig</c>), or null when it has none.</summary>
    Task<byte[]?> FetchRepositoryFileAsync(string name, CancellationToken cancellationToken);

    /// <summary>The object's bytes, or null when the source does not have it.</summary>
    /// <param name="checksum">The object.</param>
    /// <param name="type">Its type.</param>
    /// <param name="maxSize">Larger objects fail the transfer.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    Task<byte[]?> FetchMetadataAsync(Checksum checksum, ObjectType type, long maxSize, CancellationToken cancellationToken);

    /// <summary>Fetches a content object and writes it through <paramref name="transaction"/>, verifying its checksum.</summary>
    Task FetchContentAsync(Checksum checksum, RepositoryTransaction transaction, CancellationToken cancellationToken);
}
