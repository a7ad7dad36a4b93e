using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace AptOstree.OSTree.GVariant;

/// <summary>
/// A growable byte buffer for the serializer, or (constructed over an <see cref="IncrementalHash"/>) a sink that
/// hashes what is appended in small chunks instead of keeping it, so a large value's normal form can be checked
/// against its stored bytes without a second copy of them.
/// </summary>
internal sealed class GVariantBuffer
{
    private const int HashChunk = 64 * 1024;
    private readonly IncrementalHash? _hash;
    private byte[] _data = new byte[256];
    private int _count;

    public GVariantBuffer()
    {
    }

    public GVariantBuffer(IncrementalHash hash)
    {
        _hash = hash;
        _data = new byte[HashChunk * 2];
    }

    /// <summary>Bytes appended so far (in hashing mode, including those already hashed).</summary>
    public int Length { get; private set; }

    public void Append(byte value)
    {
        Ensure(1);
        _data[_count++] = value;
        Length++;
    }

    public void Append(ReadOnlySpan<byte> bytes)
    {
        if (_hash is not null && bytes.Length > HashChunk)
        {
            Flush();
            _hash.AppendData(bytes);
            Length += bytes.Length;
            return;
        }

        Ensure(bytes.Length);
        bytes.CopyTo(_data.AsSpan(_count));
        Advance(bytes.Length);
    }

    public void AppendUInt16(ushort value)
    {
        Ensure(2);
        BinaryPrimitives.WriteUInt16LittleEndian(_data.AsSpan(_count), value);
        Advance(2);
    }

    public void AppendUInt32(uint value)
    {
        Ensure(4);
        BinaryPrimitives.WriteUInt32LittleEndian(_data.AsSpan(_count), value);
        Advance(4);
    }

    public void AppendUInt64(ulong value)
    {
        Ensure(8);
        BinaryPrimitives.WriteUInt64LittleEndian(_data.AsSpan(_count), value);
        Advance(8);
    }

    public void AppendString(string value)
    {
        if (value.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException("GVariant strings cannot contain NUL.", nameof(value));
        }

        int max = Encoding.UTF8.GetMaxByteCount(value.Length);
        Ensure(max + 1);
        int n = Encoding.UTF8.GetBytes(value, _data.AsSpan(_count));
        _data[_count + n] = 0;
        Advance(n + 1);
    }

    public void AppendAscii(string value)
    {
        Ensure(value.Length);
        Advance(Encoding.ASCII.GetBytes(value, _data.AsSpan(_count)));
    }

    public void AppendOffset(int offset, int width)
    {
        Ensure(width);
        for (int i = 0; i < width; i++)
        {
            _data[_count + i] = (byte)(i < 4 ? offset >> (8 * i) : 0);
        }

        Advance(width);
    }

    public void PadTo(int containerStart, int alignment)
    {
        while (((Length - containerStart) & (alignment - 1)) != 0)
        {
            Append(0);
        }
    }

    public ReadOnlySpan<byte> AsSpan() => _hash is null ? _data.AsSpan(0, _count) : throw new InvalidOperationException("A hashing buffer keeps no bytes.");

    public byte[] ToArray() => AsSpan().ToArray();

    /// <summary>Hashes what is still buffered (hashing mode).</summary>
    public void Flush()
    {
        if (_hash is not null && _count > 0)
        {
            _hash.AppendData(_data, 0, _count);
            _count = 0;
        }
    }

    private void Advance(int written)
    {
        _count += written;
        Length += written;
        if (_hash is not null && _count >= HashChunk)
        {
            Flush();
        }
    }

    private void Ensure(int extra)
    {
        if (_count + extra > _data.Length)
        {
            Array.Resize(ref _data, Math.Max(_data.Length * 2, _count + extra));
        }
    }
}
