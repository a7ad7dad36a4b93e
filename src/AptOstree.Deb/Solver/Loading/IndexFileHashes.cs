namespace AptOstree.Deb.Solver;

/// <summary>The hashes of a .deb that an index lists besides SHA-256 (<c>MD5sum</c>, <c>SHA1</c>, <c>SHA512</c>).</summary>
internal sealed record IndexFileHashes(string? Md5Sum, string? Sha1, string? Sha512)
{
    /// <summary>No hash.</summary>
    public static IndexFileHashes None { get; } = new(null, null, null);
}
