using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

namespace AptOstree.OSTree;

/// <summary>
/// Tells whether a bare-user object is an empty regular file from its checksum and <c>user.ostreemeta</c> value
/// alone: a content checksum covers the header (owner, mode, xattrs — all in that value) and then the bytes, so an
/// empty file's checksum is the checksum of its header with nothing after it. The hardlink checkout copies empty
/// files as ostree does; this spares it a <c>statx</c> per file just to learn the size. The few distinct
/// <c>user.ostreemeta</c> values of a tree (most files share owner, mode and xattrs) are hashed once each.
/// </summary>
internal sealed class EmptyFileChecksums
{
    private readonly ConcurrentDictionary<byte[], Checksum> _byUserMeta = new(ByteArrayComparer.Instance);
    private readonly ConcurrentDictionary<byte[], Checksum>.AlternateLookup<ReadOnlySpan<byte>> _lookup;

    public EmptyFileChecksums() => _lookup = _byUserMeta.GetAlternateLookup<ReadOnlySpan<byte>>();

    /// <summary>
    /// The checksum an empty regular file with this <c>user.ostreemeta</c> value has; false when the value does not
    /// parse (the caller's general path reports that). <paramref name="objectChecksum"/> only names the object in errors.
    /// </summary>
    public bool TryGetEmptyChecksum(ReadOnlySpan<byte> userMeta, Checksum objectChecksum, out Checksum checksum)
    {
        if (_lookup.TryGetValue(userMeta, out checksum))
        {
            return true;
        }

        FileHeader header;
        try
        {
            header = FileHeader.ParseUserMeta(userMeta, ObjectStore.Name(objectChecksum, ObjectType.File));
        }
        catch (OstreeObjectException)
        {
            return false;
        }

        checksum = ContentChecksum.Compute(header, Stream.Null, out _);
        _byUserMeta.TryAdd(userMeta.ToArray(), checksum);
        return true;
    }

    private sealed class ByteArrayComparer : IEqualityComparer<byte[]>, IAlternateEqualityComparer<ReadOnlySpan<byte>, byte[]>
    {
        public static readonly ByteArrayComparer Instance = new();

        public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);

        public int GetHashCode([DisallowNull] byte[] obj) => GetHashCode(obj.AsSpan());

        public bool Equals(ReadOnlySpan<byte> alternate, byte[] other) => alternate.SequenceEqual(other);

        public int GetHashCode(ReadOnlySpan<byte> alternate)
        {
            var hash = default(HashCode);
            hash.AddBytes(alternate);
            return hash.ToHashCode();
        }

        public byte[] Create(ReadOnlySpan<byte> alternate) => alternate.ToArray();
    }
}
