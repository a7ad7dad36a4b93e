using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace AptOstree.OSTree.GVariant;

/// <summary>
/// Serializes and parses GVariant values in normal form (the subset OSTree uses: no maybe types).
/// See <see cref="GVariantValue"/> for the object model. Framing offsets are little-endian; numbers are
/// written in little-endian (GLib's host order on the platforms we run on) — OSTree's big-endian fields are
/// pre-swapped by the caller.
/// </summary>
public static class GVariantSerializer
{
    /// <summary>Serializes <paramref name="value"/> as <paramref name="type"/> in normal form.</summary>
    /// <exception cref="ArgumentException">The value does not match the type.</exception>
    public static byte[] Serialize(string type, object value)
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(value);
        var buffer = new GVariantBuffer();
        Write(buffer, GVariantTypeInfo.Get(type), value);
        return buffer.ToArray();
    }

    /// <summary>An <c>a{sv}</c> (metadata, detached metadata, a signature container) in normal form, keys in the order given.</summary>
    internal static byte[] SerializeVarDict(IEnumerable<KeyValuePair<string, GVariantValue>> entries) =>
        Serialize("a{sv}", entries.Select(kv => (object)new object[] { kv.Key, kv.Value }).ToArray());

    /// <summary>The member types of a tuple or dict-entry type (<c>(sa{sv})</c> → <c>s</c>, <c>a{sv}</c>).</summary>
    /// <exception cref="ArgumentException"><paramref name="type"/> is not a supported tuple or dict-entry type.</exception>
    public static IReadOnlyList<string> MemberTypes(string type)
    {
        ArgumentNullException.ThrowIfNull(type);
        var info = GVariantTypeInfo.Get(type);
        return info.Kind is '(' or '{'
            ? Array.ConvertAll(info.Members, m => m.Type)
            : throw new ArgumentException($"'{type}' is not a tuple or dict-entry type.", nameof(type));
    }

    /// <summary>
    /// Parses <paramref name="data"/> as <paramref name="type"/>. Every offset is bounds-checked; with
    /// <paramref name="requireNormalForm"/> the input must also be exactly the normal-form encoding of its value.
    /// </summary>
    /// <param name="type">The GVariant type string.</param>
    /// <param name="data">The serialized bytes.</param>
    /// <param name="sourceName">Names the object or file in error messages.</param>
    /// <param name="requireNormalForm">Reject encodings that are valid but not normal.</param>
    /// <exception cref="InvalidFormatException">Malformed framing, bad UTF-8, or not normal form.</exception>
    public static object Deserialize(string type, ReadOnlySpan<byte> data, string sourceName, bool requireNormalForm = true)
    {
        ArgumentNullException.ThrowIfNull(type);
        var info = GVariantTypeInfo.Get(type);
        object value = Read(info, data, sourceName, 0, 1);
        if (requireNormalForm && !IsNormalForm(info, value, data))
        {
            throw Error(sourceName, $"the {type} GVariant is not in normal form", 0);
        }

        return value;
    }

    /// <summary>
    /// Whether <paramref name="data"/> is the normal-form encoding of <paramref name="value"/>: small values are
    /// re-serialized and compared, large ones (a commit with megabytes of metadata) are compared by length and
    /// SHA-256 of the re-serialization, which is streamed into the hash rather than held beside the input.
    /// </summary>
    private static bool IsNormalForm(GVariantTypeInfo info, object value, ReadOnlySpan<byte> data)
    {
        if (data.Length <= 1024 * 1024)
        {
            var buffer = new GVariantBuffer();
            Write(buffer, info, value);
            return buffer.AsSpan().SequenceEqual(data);
        }

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var hashing = new GVariantBuffer(hash);
        Write(hashing, info, value);
        hashing.Flush();
        Span<byte> expected = stackalloc byte[32];
        Span<byte> actual = stackalloc byte[32];
        SHA256.HashData(data, expected);
        hash.GetHashAndReset(actual);
        return hashing.Length == data.Length && expected.SequenceEqual(actual);
    }

    internal static void Write(GVariantBuffer buffer, GVariantTypeInfo info, object value)
    {
        int start = buffer.Length;
        switch (info.Kind)
        {
            case 'y':
                buffer.Append(Convert.ToByte(value, System.Globalization.CultureInfo.InvariantCulture));
                break;
            case 'b':
                buffer.Append((byte)((bool)value ? 1 : 0));
                break;
            case 'n':
                buffer.AppendUInt16((ushort)(short)value);
                break;
            case 'q':
                buffer.AppendUInt16((ushort)value);
                break;
            case 'i' or 'h':
                buffer.AppendUInt32((uint)(int)value);
                break;
            case 'u':
                buffer.AppendUInt32((uint)value);
                break;
            case 'x':
                buffer.AppendUInt64((ulong)(long)value);
                break;
            case 't':
                buffer.AppendUInt64((ulong)value);
                break;
            case 'd':
                buffer.AppendUInt64((ulong)BitConverter.DoubleToInt64Bits((double)value));
                break;
            case 's' or 'o' or 'g':
                buffer.AppendString((string)value);
                break;
            case 'v':
                var v = (GVariantValue)value;
                Write(buffer, GVariantTypeInfo.Get(v.Type), v.Value);
                buffer.Append(0);
                buffer.AppendAscii(v.Type);
                break;
            case 'a':
                WriteArray(buffer, info, value, start);
                break;
            default:
                WriteTuple(buffer, info, (object[])value, start);
                break;
        }
    }

    private static void WriteArray(GVariantBuffer buffer, GVariantTypeInfo info, object value, int start)
    {
        var element = info.Element!;
        if (element.Kind == 'y')
        {
            buffer.Append((byte[])value);
            return;
        }

        var items = (object[])value;
        if (items.Length == 0)
        {
            return;
        }

        if (element.FixedSize is not null)
        {
            foreach (var item in items)
            {
                buffer.PadTo(start, element.Alignment);
                Write(buffer, element, item);
            }

            return;
        }

        var ends = new int[items.Length];
        for (int i = 0; i < items.Length; i++)
        {
            buffer.PadTo(start, element.Alignment);
            Write(buffer, element, items[i]);
            ends[i] = buffer.Length - start;
        }

        int width = OffsetWidth(buffer.Length - start, ends.Length);
        foreach (int end in ends)
        {
            buffer.AppendOffset(end, width);
        }
    }

    private static void WriteTuple(GVariantBuffer buffer, GVariantTypeInfo info, object[] members, int start)
    {
        if (members.Length != info.Members.Length)
        {
            throw new ArgumentException($"Type {info.Type} has {info.Members.Length} members, got {members.Length}.", nameof(members));
        }

        Span<int> ends = stackalloc int[members.Length];
        int count = 0;
        for (int i = 0; i < members.Length; i++)
        {
            var member = info.Members[i];
            buffer.PadTo(start, member.Alignment);
            Write(buffer, member, members[i]);
            if (member.FixedSize is null && i != members.Length - 1)
            {
                ends[count++] = buffer.Length - start;
            }
        }

        if (info.FixedSize is int fixedSize)
        {
            while (buffer.Length - start < fixedSize)
            {
                buffer.Append(0);
            }

            return;
        }

        if (count == 0)
        {
            return;
        }

        int width = OffsetWidth(buffer.Length - start, count);
        for (int i = count - 1; i >= 0; i--)
        {
            buffer.AppendOffset(ends[i], width);
        }
    }

    internal static int OffsetWidth(int bodyLength, int count)
    {
        if ((long)bodyLength + count <= 0xFF)
        {
            return 1;
        }

        if ((long)bodyLength + (count * 2L) <= 0xFFFF)
        {
            return 2;
        }

        return (long)bodyLength + (count * 4L) <= 0xFFFFFFFFL ? 4 : 8;
    }

    private static int ReaderOffsetWidth(int size) => size switch
    {
        <= 0xFF => 1,
        <= 0xFFFF => 2,
        _ => 4,
    };

    private static int ReadOffset(ReadOnlySpan<byte> data, int at, int width) => width switch
    {
        1 => data[at],
        2 => BinaryPrimitives.ReadUInt16LittleEndian(data[at..]),
        _ => (int)Math.Min(BinaryPrimitives.ReadUInt32LittleEndian(data[at..]), int.MaxValue),
    };

    private static object Read(GVariantTypeInfo info, ReadOnlySpan<byte> data, string source, int at, int depth)
    {
        if (depth > GVariantTypeInfo.MaxDepth)
        {
            throw Error(source, $"values nest deeper than {GVariantTypeInfo.MaxDepth} levels", at);
        }

        if (info.FixedSize is int size && data.Length != size)
        {
            throw Error(source, $"a {info.Type} value must be {size} bytes, found {data.Length}", at);
        }

        switch (info.Kind)
        {
            case 'y':
                return data[0];
            case 'b':
                return data[0] switch
                {
                    0 => false,
                    1 => true,
                    _ => throw Error(source, "boolean is neither 0 nor 1", at),
                };
            case 'n':
                return (short)BinaryPrimitives.ReadUInt16LittleEndian(data);
            case 'q':
                return BinaryPrimitives.ReadUInt16LittleEndian(data);
            case 'i' or 'h':
                return (int)BinaryPrimitives.ReadUInt32LittleEndian(data);
            case 'u':
                return BinaryPrimitives.ReadUInt32LittleEndian(data);
            case 'x':
                return (long)BinaryPrimitives.ReadUInt64LittleEndian(data);
            case 't':
                return BinaryPrimitives.ReadUInt64LittleEndian(data);
            case 'd':
                return BitConverter.Int64BitsToDouble((long)BinaryPrimitives.ReadUInt64LittleEndian(data));
            case 's' or 'o' or 'g':
                return ReadString(data, source, at);
            case 'v':
                return ReadVariant(data, source, at, depth);
            case 'a':
                return ReadArray(info, data, source, at, depth);
            default:
                return ReadTuple(info, data, source, at, depth);
        }
    }

    private static string ReadString(ReadOnlySpan<byte> data, string source, int at)
    {
        if (data.Length == 0 || data[^1] != 0)
        {
            throw Error(source, "string is not NUL-terminated", at);
        }

        var body = data[..^1];
        if (body.IndexOf((byte)0) >= 0)
        {
            throw Error(source, "string contains an embedded NUL", at);
        }

        try
        {
            return StrictUtf8.GetString(body);
        }
        catch (DecoderFallbackException ex)
        {
            throw Error(source, "string is not valid UTF-8", at, ex);
        }
    }

    private static GVariantValue ReadVariant(ReadOnlySpan<byte> data, string source, int at, int depth)
    {
        int zero = data.LastIndexOf((byte)0);
        if (zero < 0)
        {
            throw Error(source, "variant has no type separator", at);
        }

        string type = Encoding.ASCII.GetString(data[(zero + 1)..]);
        if (!GVariantTypeInfo.IsValid(type))
        {
            throw Error(source, $"variant has an invalid type '{type}'", at);
        }

        var info = GVariantTypeInfo.Get(type);
        return new GVariantValue(type, Read(info, data[..zero], source, at, depth + 1));
    }

    private static object ReadArray(GVariantTypeInfo info, ReadOnlySpan<byte> data, string source, int at, int depth)
    {
        var element = info.Element!;
        if (element.Kind == 'y')
        {
            return data.ToArray();
        }

        if (data.Length == 0)
        {
            return Array.Empty<object>();
        }

        if (element.FixedSize is int size)
        {
            if (data.Length % size != 0)
            {
                throw Error(source, $"array of {element.Type} has {data.Length} bytes, not a multiple of {size}", at);
            }

            var fixedItems = new object[data.Length / size];
            for (int i = 0; i < fixedItems.Length; i++)
            {
                fixedItems[i] = Read(element, data.Slice(i * size, size), source, at + (i * size), depth + 1);
            }

            return fixedItems;
        }

        int width = ReaderOffsetWidth(data.Length);
        if (data.Length < width)
        {
            throw Error(source, "array too short for its framing offset", at);
        }

        int lastEnd = ReadOffset(data, data.Length - width, width);
        if (lastEnd > data.Length - width || (data.Length - lastEnd) % width != 0)
        {
            throw Error(source, $"array framing offset {lastEnd} is out of bounds", at);
        }

        int count = (data.Length - lastEnd) / width;
        var items = new object[count];
        int start = 0;
        for (int i = 0; i < count; i++)
        {
            int end = ReadOffset(data, lastEnd + (i * width), width);
            start = GVariantTypeInfo.Align(start, element.Alignment);
            if (end < start || end > lastEnd)
            {
                throw Error(source, $"array element {i} has framing offset {end} out of bounds", at);
            }

            items[i] = Read(element, data[start..end], source, at + start, depth + 1);
            start = end;
        }

        return items;
    }

    private static object[] ReadTuple(GVariantTypeInfo info, ReadOnlySpan<byte> data, string source, int at, int depth)
    {
        var members = info.Members;
        var result = new object[members.Length];
        int width = ReaderOffsetWidth(data.Length);
        int offsetsEnd = data.Length;
        int start = 0;
        for (int i = 0; i < members.Length; i++)
        {
            var member = members[i];
            start = GVariantTypeInfo.Align(start, member.Alignment);
            int end;
            if (member.FixedSize is int size)
            {
                end = start + size;
            }
            else if (i == members.Length - 1)
            {
                end = offsetsEnd;
            }
            else
            {
                offsetsEnd -= width;
                if (offsetsEnd < 0)
                {
                    throw Error(source, $"{info.Type} is too short for its framing offsets", at);
                }

                end = ReadOffset(data, offsetsEnd, width);
            }

            if (start > data.Length || end < start || end > offsetsEnd)
            {
                throw Error(source, $"member {i} of {info.Type} spans {start}..{end}, outside the {data.Length}-byte container", at);
            }

            result[i] = Read(member, data[start..end], source, at + start, depth + 1);
            start = end;
        }

        return result;
    }

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static InvalidFormatException Error(string source, string message, int offset, Exception? inner = null) =>
        new(OstreeErrorCodes.InvalidGVariant, $"{source}: {message} (offset {offset}).", inner, source, $"offset {offset}");
}
