using System.Buffers;
using System.Buffers.Text;
using System.Text;

namespace AptOstree.Deb;

/// <summary>
/// The <c>SCHILY.xattr.NAME=VALUE</c> records of a pax extended header (<c>LENGTH KEYWORD=VALUE\n</c>, LENGTH
/// counting the whole record). GNU tar writes VALUE as the attribute's raw bytes, so a binary value such as
/// <c>security.capability</c> is not UTF-8 and must not go through a string; in NAME it escapes <c>%</c> as
/// <c>%25</c> and <c>=</c> as <c>%3D</c> (its <c>xattr_encode_keyword</c>).
/// </summary>
internal static class PaxXattrRecords
{
    private const string KeywordPrefix = "SCHILY.xattr.";

    private static ReadOnlySpan<byte> KeywordPrefixBytes => "SCHILY.xattr."u8;

    /// <summary>
    /// The attributes among the records of one extended header (the last record wins for a repeated name), or
    /// null when there are none. The values are slices of <paramref name="data"/>.
    /// </summary>
    /// <exception cref="InvalidFormatException">A record is malformed.</exception>
    public static Dictionary<string, ReadOnlyMemory<byte>>? Parse(ReadOnlyMemory<byte> data, string sourceName, string location)
    {
        Dictionary<string, ReadOnlyMemory<byte>>? attributes = null;
        var offset = 0;
        while (NextRecord(data.Span, offset, sourceName, location) is var (length, keyword, value) && length > 0)
        {
            if (data.Span.Slice(keyword.Start, keyword.Length).StartsWith(KeywordPrefixBytes))
            {
                var name = DecodeName(data.Span.Slice(keyword.Start + KeywordPrefixBytes.Length, keyword.Length - KeywordPrefixBytes.Length));
                (attributes ??= new(StringComparer.Ordinal))[name] = data.Slice(value.Start, value.Length);
            }

            offset += length;
        }

        return attributes;
    }

    /// <summary>The records of <paramref name="data"/> other than the attribute records, unchanged.</summary>
    public static byte[] WithoutAttributes(ReadOnlySpan<byte> data, string sourceName, string location)
    {
        var kept = new ArrayBufferWriter<byte>(data.Length);
        var offset = 0;
        while (NextRecord(data, offset, sourceName, location) is var (length, keyword, _) && length > 0)
        {
            if (!data.Slice(keyword.Start, keyword.Length).StartsWith(KeywordPrefixBytes))
            {
                Write(kept, data.Slice(offset, length));
            }

            offset += length;
        }

        return kept.WrittenSpan.ToArray();
    }

    /// <summary>The record at <paramref name="offset"/>: its length (0 at the end) and where its keyword and value are.</summary>
    private static (int Length, (int Start, int Length) Keyword, (int Start, int Length) Value) NextRecord(
        ReadOnlySpan<byte> data, int offset, string sourceName, string location)
    {
        var rest = data[offset..];
        if (!rest.ContainsAnyExcept((byte)0))
        {
            return default;
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

        var keywordStart = offset + space + 1;
        return (length, (keywordStart, equals), (keywordStart + equals + 1, record.Length - equals - 1));
    }

    /// <summary>The records for <paramref name="attributes"/>, sorted by name, values written byte for byte.</summary>
    public static byte[] Build(IReadOnlyDictionary<string, ReadOnlyMemory<byte>> attributes)
    {
        var output = new ArrayBufferWriter<byte>();
        foreach (var (name, value) in attributes.OrderBy(a => a.Key, StringComparer.Ordinal))
        {
            var keyword = Encoding.UTF8.GetBytes(KeywordPrefix + EncodeName(name));
            var body = 1 + keyword.Length + 1 + value.Length + 1; // ' ' keyword '=' value '\n'
            var digits = 1;
            while (CountDigits(body + digits) != digits)
            {
                digits++;
            }

            Write(output, Encoding.ASCII.GetBytes((body + digits).ToString(System.Globalization.CultureInfo.InvariantCulture)));
            Write(output, " "u8);
            Write(output, keyword);
            Write(output, "="u8);
            Write(output, value.Span);
            Write(output, "\n"u8);
        }

        return output.WrittenSpan.ToArray();
    }

    private static void Write(ArrayBufferWriter<byte> output, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(output.GetSpan(bytes.Length));
        output.Advance(bytes.Length);
    }

    private static int CountDigits(int value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture).Length;

    private static string EncodeName(string name) =>
        name.Replace("%", "%25", StringComparison.Ordinal).Replace("=", "%3D", StringComparison.Ordinal);

    private static string DecodeName(ReadOnlySpan<byte> encoded)
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
            DebErrorCodes.InvalidTar,
            $"{sourceName}: malformed pax extended header record at byte {offset} of the header at {location}.",
            source: sourceName,
            location: location);
}
