using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace AptOstree;

/// <summary>
/// A SHA-256 digest (32 bytes) as an immutable, equatable value. Formats as 64 lowercase hex digits,
/// the spelling OSTree object names, APT indexes and dpkg use.
/// </summary>
public readonly struct Checksum : IEquatable<Checksum>, IComparable<Checksum>, ISpanParsable<Checksum>
{
    /// <summary>Length of a digest in bytes.</summary>
    public const int ByteLength = 32;

    /// <summary>Length of the hex spelling.</summary>
    public const int HexLength = 64;

    // Big-endian words so that ordering by words equals ordering by bytes (and by hex text).
    private readonly ulong _w0, _w1, _w2, _w3;

    private Checksum(ulong w0, ulong w1, ulong w2, ulong w3)
    {
        _w0 = w0;
        _w1 = w1;
        _w2 = w2;
        _w3 = w3;
    }

    /// <summary>Creates a checksum from exactly 32 digest bytes.</summary>
    /// <exception cref="ArgumentException">The span is not 32 bytes long.</exception>
    public static Checksum FromBytes(ReadOnlySpan<byte> digest)
    {
        if (digest.Length != ByteLength)
        {
            throw new ArgumentException($"A SHA-256 digest has {ByteLength} bytes, not {digest.Length}.", nameof(digest));
        }

        return new Checksum(
            BinaryPrimitives.ReadUInt64BigEndian(digest),
            BinaryPrimitives.ReadUInt64BigEndian(digest[8..]),
            BinaryPrimitives.ReadUInt64BigEndian(digest[16..]),
            BinaryPrimitives.ReadUInt64BigEndian(digest[24..]));
    }

    /// <summary>Creates a checksum from a byte array of 32 bytes (PowerShell-friendly overload).</summary>
    public static Checksum FromBytes(byte[] digest)
    {
        ArgumentNullException.ThrowIfNull(digest);
        return FromBytes(digest.AsSpan());
    }

    /// <summary>Hashes <paramref name="data"/>.</summary>
    public static Checksum Compute(ReadOnlySpan<byte> data)
    {
        Span<byte> digest = stackalloc byte[ByteLength];
        SHA256.HashData(data, digest);
        return FromBytes(digest);
    }

    /// <summary>Hashes a stream to its end.</summary>
    public static Checksum Compute(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        Span<byte> digest = stackalloc byte[ByteLength];
        SHA256.HashData(stream, digest);
        return FromBytes(digest);
    }

    /// <summary>Hashes a stream to its end asynchronously.</summary>
    public static async Task<Checksum> ComputeAsync(Stream stream, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        byte[] digest = await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false);
        return FromBytes(digest);
    }

    /// <summary>Finishes an incremental SHA-256 hash into a checksum.</summary>
    public static Checksum FromHash(IncrementalHash hash)
    {
        ArgumentNullException.ThrowIfNull(hash);
        Span<byte> digest = stackalloc byte[ByteLength];
        hash.GetHashAndReset(digest);
        return FromBytes(digest);
    }

    /// <summary>Parses 64 hex digits (either case).</summary>
    /// <exception cref="InvalidFormatException">The text is not a SHA-256 in hex.</exception>
    public static Checksum Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Parse(text.AsSpan());
    }

    /// <summary>Parses 64 hex digits (either case).</summary>
    /// <exception cref="InvalidFormatException">The text is not a SHA-256 in hex.</exception>
    public static Checksum Parse(ReadOnlySpan<char> text)
    {
        if (!TryParse(text, out var checksum))
        {
            string shown = text.Length > 80 ? string.Concat(text[..80], "…") : text.ToString();
            throw new InvalidFormatException(CoreErrorCodes.InvalidChecksum, $"'{shown}' is not a SHA-256 checksum: expected {HexLength} hex digits.");
        }

        return checksum;
    }

    /// <summary>Tries to parse 64 hex digits (either case).</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out Checksum checksum)
    {
        checksum = default;
        return text is not null && TryParse(text.AsSpan(), out checksum);
    }

    /// <summary>Tries to parse 64 hex digits (either case).</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out Checksum checksum)
    {
        checksum = default;
        if (text.Length != HexLength)
        {
            return false;
        }

        Span<byte> digest = stackalloc byte[ByteLength];
        for (int i = 0; i < ByteLength; i++)
        {
            int hi = HexValue(text[2 * i]);
            int lo = HexValue(text[(2 * i) + 1]);
            if ((hi | lo) < 0)
            {
                return false;
            }

            digest[i] = (byte)((hi << 4) | lo);
        }

        checksum = FromBytes(digest);
        return true;
    }

    static Checksum IParsable<Checksum>.Parse(string s, IFormatProvider? provider) => Parse(s);

    static bool IParsable<Checksum>.TryParse([NotNullWhen(true)] string? s, IFormatProvider? provider, out Checksum result) => TryParse(s, out result);

    static Checksum ISpanParsable<Checksum>.Parse(ReadOnlySpan<char> s, IFormatProvider? provider) => Parse(s);

    static bool ISpanParsable<Checksum>.TryParse(ReadOnlySpan<char> s, IFormatProvider? provider, out Checksum result) => TryParse(s, out result);

    /// <summary>Writes the 32 digest bytes into <paramref name="destination"/>.</summary>
    public void WriteTo(Span<byte> destination)
    {
        if (destination.Length < ByteLength)
        {
            throw new ArgumentException($"Need {ByteLength} bytes of room.", nameof(destination));
        }

        BinaryPrimitives.WriteUInt64BigEndian(destination, _w0);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], _w1);
        BinaryPrimitives.WriteUInt64BigEndian(destination[16..], _w2);
        BinaryPrimitives.WriteUInt64BigEndian(destination[24..], _w3);
    }

    /// <summary>The 32 digest bytes as a new array.</summary>
    public byte[] ToByteArray()
    {
        var bytes = new byte[ByteLength];
        WriteTo(bytes);
        return bytes;
    }

    /// <summary>The 64 lowercase hex digits.</summary>
    public override string ToString()
    {
        Span<byte> digest = stackalloc byte[ByteLength];
        WriteTo(digest);
        return Convert.ToHexStringLower(digest);
    }

    /// <inheritdoc />
    public bool Equals(Checksum other) => _w0 == other._w0 && _w1 == other._w1 && _w2 == other._w2 && _w3 == other._w3;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is Checksum other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => (int)_w0 ^ (int)(_w0 >> 32);

    /// <summary>Orders checksums as their hex spellings order.</summary>
    public int CompareTo(Checksum other)
    {
        int c = _w0.CompareTo(other._w0);
        if (c != 0)
        {
            return c;
        }

        c = _w1.CompareTo(other._w1);
        if (c != 0)
        {
            return c;
        }

        c = _w2.CompareTo(other._w2);
        return c != 0 ? c : _w3.CompareTo(other._w3);
    }

    /// <summary>Equality.</summary>
    public static bool operator ==(Checksum left, Checksum right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(Checksum left, Checksum right) => !left.Equals(right);

    /// <summary>Ordering.</summary>
    public static bool operator <(Checksum left, Checksum right) => left.CompareTo(right) < 0;

    /// <summary>Ordering.</summary>
    public static bool operator >(Checksum left, Checksum right) => left.CompareTo(right) > 0;

    /// <summary>Ordering.</summary>
    public static bool operator <=(Checksum left, Checksum right) => left.CompareTo(right) <= 0;

    /// <summary>Ordering.</summary>
    public static bool operator >=(Checksum left, Checksum right) => left.CompareTo(right) >= 0;

    private static int HexValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };
}
