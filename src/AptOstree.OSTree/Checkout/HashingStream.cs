using System.Security.Cryptography;

namespace AptOstree.OSTree;

/// <summary>A read-only pass-through stream that computes a content object's checksum while it is read.</summary>
internal sealed class HashingStream : AptOstree.ForwardOnlyReadStream
{
    private readonly Stream _inner;
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    public HashingStream(Stream inner, FileHeader header)
    {
        _inner = inner;
        _hash.AppendData(header.SerializeForChecksum());
    }

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public Checksum Finish() => Checksum.FromHash(_hash);

    public override int Read(byte[] buffer, int offset, int count)
    {
        int n = _inner.Read(buffer, offset, count);
        _hash.AppendData(buffer, offset, n);
        return n;
    }

    public override int Read(Span<byte> buffer)
    {
        int n = _inner.Read(buffer);
        _hash.AppendData(buffer[..n]);
        return n;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _hash.Dispose();
        }

        base.Dispose(disposing);
    }
}
