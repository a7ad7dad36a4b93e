
namespace AptOstree.Deb.Apt;

/// <summary>Reads through a decoder, turning its failures on corrupt input into <see cref="InvalidFormatException"/> (<see cref="AptErrorCodes.InvalidCompression"/>).</summary>
internal sealed class DecodingFailureGuardStream(Stream decoded, string what) : ForwardOnlyReadStream
{
    public override int Read(Span<byte> buffer)
    {
        try
        {
            return decoded.Read(buffer);
        }
        catch (Exception ex) when (IndexCompressionFormats.IsDecoderFailure(ex))
        {
            throw new InvalidFormatException(AptErrorCodes.InvalidCompression, $"{what}: {ex.Message}", ex, what);
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            decoded.Dispose();
        }

        base.Dispose(disposing);
    }
}
