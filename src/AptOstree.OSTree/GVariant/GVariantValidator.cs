using System.Buffers.Binary;
using System.Text;
using System.Text.Unicode;

namespace AptOstree.OSTree.GVariant;

/// <summary>
/// Checks that bytes are the normal-form encoding of a GVariant type without building the value: the same framing
/// and string rules as <see cref="GVariantSerializer.Deserialize"/> with normal form required, checked container by
/// container (zero padding, no gaps, the smallest offset width) instead of by re-serializing. fsck uses it so that a
/// commit with tens of megabytes of metadata costs its mapped bytes, not millions of managed strings.
/// </summary>
internal static class GVariantValidator
{
    /// <summary>Throws <see cref="InvalidFormatException"/> unless <paramref name="data"/> is a normal-form <paramref name="type"/>.</summary>
    public static void Validate(string type, ReadOnlySpan<byte> data, string sourceName) =>
        Check(GVariantTypeInfo.Get(type), data, sourceName, 0, 1);

    /// <summary>Where each member of a tuple lies in <paramref name="data"/> (framing checked, members not).</summary>
    public static (int Start, int End)[] TupleMembers(string type, ReadOnlySpan<byte> data, string sourceName)
    {
        var info = GVariantTypeInfo.Get(type);
        var spans = new (int Start, int End)[info.Members.Length];
        TupleLayout(info, data, sourceName, 0, spans);
        return spans;
    }

    /// <summary>Where each element of a non-empty array of variable-size elements starts (framing checked, elements not).</summary>
    public static int[] ArrayElementStarts(string type, ReadOnlySpan<byte> data, string sourceName)
    {
        var element = GVariantTypeInfo.Get(type).Element!;
        if (data.Length == 0)
        {
            return [];
        }

        int width = ReaderOffsetWidth(data.Length);
        int lastEnd = ReadOffset(data, data.Length - width, width);
        int count = (data.Length - lastEnd) / width;
        var starts = new int[count];
        int start = 0;
        for (int i = 0; i < count; i++)
        {
            starts[i] = GVariantTypeInfo.Align(start, element.Alignment);
            start = ReadOffset(data, lastEnd + (i * width), width);
        }

        return starts;
    }

    private static void Check(GVariantTypeInfo info, ReadOnlySpan<byte> data, string source, int at, int depth)
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
            case 'y' or 'n' or 'q' or 'i' or 'h' or 'u' or 'x' or 't' or 'd':
                return;
            case 'b':
                if (data[0] > 1)
                {
                    throw Error(source, "boolean is neither 0 nor 1", at);
                }

                return;
            case 's' or 'o' or 'g':
                CheckString(data, source, at);
                return;
            case 'v':
                CheckVariant(data, source, at, depth);
                return;
            case 'a':
                CheckArray(info, data, source, at, depth);
                return;
            default:
                CheckTuple(info, data, source, at, depth);
                return;
        }
    }

    private static void CheckString(ReadOnlySpan<byte> data, string source, int at)
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

        if (!Utf8.IsValid(body))
        {
            throw Error(source, "string is not valid UTF-8", at);
        }
    }

    private static void CheckVariant(ReadOnlySpan<byte> data, string source, int at, int depth)
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

        Check(GVariantTypeInfo.Get(type), data[..zero], source, at, depth + 1);
    }

    private static void CheckArray(GVariantTypeInfo info, ReadOnlySpan<byte> data, string source, int at, int depth)
    {
        var element = info.Element!;
        if (element.Kind == 'y' || data.Length == 0)
        {
            return;
        }

        if (element.FixedSize is int size)
        {
            if (data.Length % size != 0)
            {
                throw Error(source, $"array of {element.Type} has {data.Length} bytes, not a multiple of {size}", at);
            }

            for (int i = 0; i < data.Length; i += size)
            {
                Check(element, data.Slice(i, size), source, at + i, depth + 1);
            }

            return;
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
        if (GVariantSerializer.OffsetWidth(lastEnd, count) != width)
        {
            throw NotNormal(source, info, at);
        }

        int start = 0;
        for (int i = 0; i < count; i++)
        {
            int end = ReadOffset(data, lastEnd + (i * width), width);
            int aligned = GVariantTypeInfo.Align(start, element.Alignment);
            if (end < aligned || end > lastEnd)
            {
                throw Error(source, $"array element {i} has framing offset {end} out of bounds", at);
            }

            RequireZero(data[start..aligned], source, info, at);
            Check(element, data[aligned..end], source, at + aligned, depth + 1);
            start = end;
        }
    }

    private static void CheckTuple(GVariantTypeInfo info, ReadOnlySpan<byte> data, string source, int at, int depth)
    {
        var members = info.Members;
        Span<(int Start, int End)> spans = members.Length <= 32 ? stackalloc (int, int)[members.Length] : new (int, int)[members.Length];
        var (bodyEnd, offsets) = TupleLayout(info, data, source, at, spans);
        int previous = 0;
        for (int i = 0; i < members.Length; i++)
        {
            RequireZero(data[previous..spans[i].Start], source, info, at);
            Check(members[i], data[spans[i].Start..spans[i].End], source, at + spans[i].Start, depth + 1);
            previous = spans[i].End;
        }

        if (info.FixedSize is not null)
        {
            RequireZero(data[previous..], source, info, at);
        }
        else if (previous != bodyEnd || (offsets > 0 && GVariantSerializer.OffsetWidth(bodyEnd, offsets) != ReaderOffsetWidth(data.Length)))
        {
            throw NotNormal(source, info, at);
        }
    }

    /// <summary>The members' spans as the reader finds them; returns where the framing offsets start and how many there are.</summary>
    private static (int BodyEnd, int Offsets) TupleLayout(GVariantTypeInfo info, ReadOnlySpan<byte> data, string source, int at, Span<(int Start, int End)> spans)
    {
        var members = info.Members;
        int width = ReaderOffsetWidth(data.Length);
        int offsetsEnd = data.Length;
        int offsets = 0;
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
                offsets++;
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

            spans[i] = (start, end);
            start = end;
        }

        return (offsetsEnd, offsets);
    }

    private static void RequireZero(ReadOnlySpan<byte> padding, string source, GVariantTypeInfo info, int at)
    {
        if (padding.ContainsAnyExcept((byte)0))
        {
            throw NotNormal(source, info, at);
        }
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

    private static InvalidFormatException NotNormal(string source, GVariantTypeInfo info, int at) =>
        Error(source, $"the {info.Type} GVariant is not in normal form", at);

    private static InvalidFormatException Error(string source, string message, int offset) =>
        new(OstreeErrorCodes.InvalidGVariant, $"{source}: {message} (offset {offset}).", null, source, $"offset {offset}");
}
