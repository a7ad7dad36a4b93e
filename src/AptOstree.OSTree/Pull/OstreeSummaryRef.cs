using AptOstree.OSTree.GVariant;

namespace AptOstree.OSTree;

/// <summary>One ref of a summary: its name, the commit's size, checksum bytes and per-ref metadata (<c>ostree.commit.timestamp</c>…).</summary>
/// <param name="Name">The ref name.</param>
/// <param name="CommitSize">The size recorded for the commit object.</param>
/// <param name="ChecksumBytes">The commit checksum as stored (32 bytes in a valid summary).</param>
/// <param name="Metadata">The ref's metadata, in file order.</param>
public sealed record OstreeSummaryRef(string Name, ulong CommitSize, ReadOnlyMemory<byte> ChecksumBytes, IReadOnlyList<KeyValuePair<string, GVariantValue>> Metadata)
{
    /// <summary>The commit, or null when the stored checksum is not 32 bytes long.</summary>
    public Checksum? Commit => ChecksumBytes.Length == Checksum.ByteLength ? Checksum.FromBytes(ChecksumBytes.Span) : null;
}
