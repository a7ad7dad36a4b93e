using System.IO.Compression;

namespace AptOstree.OSTree;

/// <summary>
/// The uncompressed content of an archive (<c>.filez</c>) object: its raw DEFLATE payload inflated, with corrupt
/// compressed data reported as our <see cref="OstreeObjectException"/> naming the object.
/// </summary>
internal sealed class ArchiveContentStream : AptOstree.ForwardOnlyReadStream
{
    private readonly DeflateStream _inflater;
    private readonly string _name;

    /// <param name="compressed">The object file, positioned after the header; owned by this stream.</param>
    /// <param name="name">The object's name for errors.</param>
    public ArchiveContentStream(Stream compressed, string name)
    {
        _inflater = new DeflateStream(compressed, CompressionMode.Decompress);
        _name = name;
    }

    public override int Read(Span<byte> buffer)
    {
        try
        {
            return _inflater.Read(buffer);
        }
        catch (InvalidDataException ex)
        {
            throw new OstreeObjectException(OstreeErrorCodes.CorruptObject, _name, "compressed content is corrupt: " + ex.Message, ex);
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inflater.Dispose();
        }

        base.Dispose(disposing);
    }
}
