using System.Text;
using AptOstree.Posix;

namespace AptOstree.Deb;

/// <summary>
/// Writes a pax extended header (<c>typeflag 'x'</c>: a ustar header block, then the records padded to 512 bytes)
/// in front of an entry. System.Formats.Tar can only write records from strings (as UTF-8), which cannot carry a
/// binary attribute value, so the block is written here byte for byte.
/// </summary>
internal static class PaxExtendedHeader
{
    private const int Block = 512;

    /// <summary>Writes the header for the entry named <paramref name="entryName"/> (<c>./usr/bin/ls</c>) to <paramref name="output"/>.</summary>
    public static void Write(Stream output, string entryName, DateTimeOffset modificationTime, ReadOnlySpan<byte> records)
    {
        var header = new byte[Block];
        var name = Encoding.UTF8.GetBytes("./PaxHeaders/" + Path.GetFileName(entryName.TrimEnd('/')));
        name.AsSpan(0, Math.Min(name.Length, 100)).CopyTo(header);
        Octal(header.AsSpan(100, 8), PosixPermissions.File);
        Octal(header.AsSpan(108, 8), 0);
        Octal(header.AsSpan(116, 8), 0);
        Octal(header.AsSpan(124, 12), records.Length);
        Octal(header.AsSpan(136, 12), Math.Max(0, modificationTime.ToUnixTimeSeconds()));
        header[156] = (byte)'x';
        "ustar\0"u8.CopyTo(header.AsSpan(257));
        "00"u8.CopyTo(header.AsSpan(263));
        "        "u8.CopyTo(header.AsSpan(148));
        var sum = 0;
        foreach (var b in header)
        {
            sum += b;
        }

        Octal(header.AsSpan(148, 7), sum);
        output.Write(header);
        output.Write(records);
        var padding = (Block - (records.Length % Block)) % Block;
        output.Write(new byte[padding]);
    }

    /// <summary>Zero-padded octal digits filling all but the last byte of the field, which is NUL.</summary>
    private static void Octal(Span<byte> field, long value)
    {
        var digits = Convert.ToString(value, 8).PadLeft(field.Length - 1, '0');
        if (digits.Length > field.Length - 1)
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "Too large for the tar header field.");
        }

        Encoding.ASCII.GetBytes(digits, field);
        field[^1] = 0;
    }
}
