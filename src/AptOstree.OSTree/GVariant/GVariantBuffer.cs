using System.Buffers.Binary;
using System.Text;

namespace AptOstree.OSTree.GVariant;

/// <summary>A growable byte buffer for the serializer.</summary>
internal sealed class GVariantBuffer
{
    private byte[] _data = new byte[256];

    public int Length { get; private set; }

    public void Append(byte value)
    {
        Ensure(1);
        _data[Length++] = value;
    }

    public void Append(ReadOnlySpan<byte> bytes)
    {
        Ensure(bytes.Length);
        bytes.CopyTo(_data.AsSpan(Length));
        Length += bytes.Length;
    }

    public void AppendUInt16(ushort value)
    {
        Ensure(2);
        BinaryPrimitives.WriteUInt16LittleEndian(_data.AsSpan(Length), value);
        Length += 2;
    }

    public void AppendUInt32(uint value)
    {
        Ensure(4);
        BinaryPrimitives.WriteUInt32LittleEndian(_data.AsSpan(Length), value);
        Length += 4;
    }

    public void AppendUInt64(ulong value)
    {
        Ensure(8);
        BinaryPrimitives.WriteUInt64LittleEndian(_data.AsSpan(Length), value);
        Length += 8;
    }

    public void AppendString(string value)
    {
        if (value.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException("GVariant strings cannot contain NUL.", nameof(value));
        }

        int max = Encoding.UTF8.GetMaxByteCount(value.Length);
        Ensure(max + 1);
        Length += Encoding.UTF8.GetBytes(value, _data.AsSpan(Length));
        _data[Length++] = 0;
    }

    public void AppendAscii(string value)
    {
        Ensure(value.Length);
        Length += Encoding.ASCII.GetBytes(value, _data.AsSpan(Length));
    }

    public void AppendOffset(int offset, int width)
    {
        Ensure(width);
        for (int i = 0; i < width; i++)
        {
            _data[Length++] = (byte)(i < 4 ? offset >> (8 * i) : 0);
        }
    }

    public void PadTo(int containerStart, int alignment)
    {
        while (((Length - containerStart) & (alignment - 1)) != 0)
        {
            Append(0);
        }
    }

    public ReadOnlySpan<byte> AsSpan() => _data.AsSpan(0, Length);

    public byte[] ToArray() => _data.AsSpan(0, Length).ToArray();

    private void Ensure(int extra)
    {
        if (Length + extra > _data.Length)
        {
            Array.Resize(ref _data, Math.Max(_data.Length * 2, Length + extra));
        }
    }
}
