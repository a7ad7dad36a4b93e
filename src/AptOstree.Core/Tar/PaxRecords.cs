using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace AptOstree;

/// <summary>
/// The records of a pax extended header (<c>LENGTH KEYWORD=VALUE\n</c>, LENGTH counting the whole record), parsed by
/// their lengths (values may hold newlines). Values stay bytes: GNU tar writes a <c>SCHILY.xattr.NAME</c> value as the
/// attribute's raw bytes and a <c>path</c> as the file name's bytes, neither of which need be UTF-8. In an attribute
/// NAME, <c>%</c> is escaped as <c>%25</c> and <c>=</c> as <c>%3D</c> (GNU tar's <c>xattr_encode_keyword</c>).
/// </summary>
internal sealed class PaxRecords
{
    private static ReadOnlySpan<byte> XattrPrefix => "SCHILY.xattr."u8;

    public byte[]? Path { get; private set; }

    public byte[]? LinkPath { get; private set; }

    public long? Size { get; private set; }

    public long? Uid { get; private set; }

    public long? Gid { get; private set; }

    public string? UserName { get; private set; }

    public string? GroupName { get; private set; }

    public DateTimeOffset? ModificationTime { get; private set; }

    public bool Sparse { get; private set; }

    public Dictionary<string, ReadOnlyMemory<byte>>? Attributes { get; private set; }

    /// <summary>Parses the records of one header; <paramref name="into"/> (global defaults) is updated when given.</summary>
    /// <exception cref="InvalidFormatException">A record is malformed.</exception>
    public static PaxRecords Parse(ReadOnlyMemory<byte> data, string sourceName, string location, PaxRecords? into = null)
    {
        var result = into ?? new PaxRecords();
        var span = data.Span;
        var offset = 0;
        while (offset < span.Length)
        {
            var rest = span[offset..];
            if (!rest.ContainsAnyExcept((byte)0))
            {
                break;
            }

            var space = rest.IndexOf((byte)' ');
            if (space <= 0 || !Utf8Parser.TryParse(rest[..space], out int length, out var consumed) || consumed != space
                || length <= space + 2 || length > rest.Length || rest[length - 1] != (byte)'\n')
            {
                throw Malformed(sourceName, location, offset);
            }

            var record = rest[(space + 1)..(length - 1)];
            var equals = record.IndexOf((byte)'=');
            if (equals <= 0)
            {
                throw Malformed(sourceName, location, offset);
            }

            var valueStart = offset + space + 1 + equals + 1;
            result.Apply(record[..equals], data.Slice(valueStart, record.Length - equals - 1), sourceName, location, offset);
            offset += length;
        }

        return result;
    }

    /// <summary>A copy of these (global) records, for one entry to extend.</summary>
    public PaxRecords Clone() => new()
    {
        Path = Path,
        LinkPath = LinkPath,
        Size = Size,
        Uid = Uid,
        Gid = Gid,
        UserName = UserName,
        GroupName = GroupName,
        ModificationTime = ModificationTime,
        Sparse = Sparse,
        Attributes = Attributes is null ? null : new(Attributes, StringComparer.Ordinal),
    };

    private static long Number(ReadOnlySpan<byte> value, string sourceName, string location, int offset) =>
        Utf8Parser.TryParse(value, out long n, out var consumed) && consumed == value.Length && n >= 0
            ? n
            : throw Malformed(sourceName, location, offset);

    private static DateTimeOffset Time(ReadOnlySpan<byte> value, string sourceName, string location, int offset)
    {
        var text = Encoding.ASCII.GetString(value);
        if (!decimal.TryParse(text, NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var seconds)
            || seconds < -62135596800m || seconds > 253402300799m)
        {
            throw Malformed(sourceName, location, offset);
        }

        var whole = decimal.Floor(seconds);
        return DateTimeOffset.FromUnixTimeSeconds((long)whole).AddTicks((long)((seconds - whole) * TimeSpan.TicksPerSecond));
    }

    private static string DecodeAttributeName(ReadOnlySpan<byte> encoded)
    {
        var decoded = new byte[encoded.Length];
        var n = 0;
        for (var i = 0; i < encoded.Length; i++)
        {
            if (encoded[i] == (byte)'%' && encoded[(i + 1)..].StartsWith("3D"u8))
            {
                decoded[n++] = (byte)'=';
                i += 2;
            }
            else if (encoded[i] == (byte)'%' && encoded[(i + 1)..].StartsWith("25"u8))
            {
                decoded[n++] = (byte)'%';
                i += 2;
            }
            else
            {
                decoded[n++] = encoded[i];
            }
        }

        return Encoding.UTF8.GetString(decoded, 0, n);
    }

    private static InvalidFormatException Malformed(string sourceName, string location, int offset) =>
        new(
            CoreErrorCodes.InvalidTar,
            $"{sourceName}: malformed pax extended header record at byte {offset} of the header at {location}.",
            source: sourceName,
            location: location);

    private void Apply(ReadOnlySpan<byte> keyword, ReadOnlyMemory<byte> value, string sourceName, string location, int offset)
    {
        if (keyword.StartsWith(XattrPrefix))
        {
            (Attributes ??= new(StringComparer.Ordinal))[DecodeAttributeName(keyword[XattrPrefix.Length..])] = value;
        }
        else if (keyword.SequenceEqual("path"u8))
        {
            Path = value.ToArray();
        }
        else if (keyword.SequenceEqual("linkpath"u8))
        {
            LinkPath = value.ToArray();
        }
        else if (keyword.SequenceEqual("size"u8))
        {
            Size = Number(value.Span, sourceName, location, offset);
        }
        else if (keyword.SequenceEqual("uid"u8))
        {
            Uid = Number(value.Span, sourceName, location, offset);
        }
        else if (keyword.SequenceEqual("gid"u8))
        {
            Gid = Number(value.Span, sourceName, location, offset);
        }
        else if (keyword.SequenceEqual("uname"u8))
        {
            UserName = Encoding.UTF8.GetString(value.Span);
        }
        else if (keyword.SequenceEqual("gname"u8))
        {
            GroupName = Encoding.UTF8.GetString(value.Span);
        }
        else if (keyword.SequenceEqual("mtime"u8))
        {
            ModificationTime = Time(value.Span, sourceName, location, offset);
        }
        else if (keyword.StartsWith("GNU.sparse."u8))
        {
            Sparse = true;
        }
    }
}
