namespace AptOstree.OSTree;

/// <summary>An opened content object: its header and (for regular files) a stream of its uncompressed bytes.</summary>
public sealed class ContentObject : IDisposable
{
    internal ContentObject(Checksum checksum, FileHeader header, long size, Stream content, string? loosePath)
    {
        Checksum = checksum;
        Header = header;
        Size = size;
        Content = content;
        LoosePath = loosePath;
    }

    /// <summary>The object's checksum.</summary>
    public Checksum Checksum { get; }

    /// <summary>Owner, mode, symlink target and xattrs.</summary>
    public FileHeader Header { get; }

    /// <summary>Uncompressed size in bytes (0 for symlinks).</summary>
    public long Size { get; }

    /// <summary>The uncompressed content (empty for symlinks). Read it once.</summary>
    public Stream Content { get; }

    /// <summary>The loose object file holding the content verbatim (bare modes), or null (archive).</summary>
    public string? LoosePath { get; }

    /// <summary>Closes the content stream.</summary>
    public void Dispose() => Content.Dispose();
}
