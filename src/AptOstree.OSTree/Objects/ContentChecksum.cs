using System.Security.Cryptography;

namespace AptOstree.OSTree;

/// <summary>Computes a content object's checksum: SHA-256 of the length-prefixed file header followed by the file bytes.</summary>
public static class ContentChecksum
{
    /// <summary>The checksum of a file (or symlink, with <paramref name="content"/> null) with this header.</summary>
    /// <param name="header">Owner, mode, target, xattrs.</param>
    /// <param name="content">The regular file's bytes; ignored for symlinks.</param>
    /// <param name="length">Receives the number of content bytes hashed.</param>
    public static Checksum Compute(FileHeader header, Stream? content, out long length)
    {
        ArgumentNullException.ThrowIfNull(header);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(header.SerializeForChecksum());
        length = 0;
        if (header.IsRegularFile && content is not null)
        {
            byte[] buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(128 * 1024);
            try
            {
                int n;
                while ((n = content.Read(buffer, 0, buffer.Length)) > 0)
                {
                    hash.AppendData(buffer, 0, n);
                    length += n;
                }
            }
            finally
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        return Checksum.FromHash(hash);
    }
}
