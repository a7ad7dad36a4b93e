namespace AptOstree.Deb;

/// <summary>One block of an xz file as its index records it.</summary>
/// <param name="Offset">Where the block header starts, from the start of the file.</param>
/// <param name="UnpaddedSize">Header + compressed data + check, without the block padding (the index's field).</param>
/// <param name="UncompressedSize">Bytes the block decodes to.</param>
/// <param name="UncompressedOffset">Where the block's output starts in the decoded file.</param>
/// <param name="Check">The stream's check type (0 none, 1 CRC32, 4 CRC64, 10 SHA-256).</param>
internal readonly record struct XzBlock(long Offset, long UnpaddedSize, long UncompressedSize, long UncompressedOffset, uint Check)
{
    /// <summary>Bytes the block occupies in the file, padding included.</summary>
    public long PaddedSize => (UnpaddedSize + 3) & ~3L;
}
