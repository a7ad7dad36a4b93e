using System.Globalization;
using System.Text;
using AptOstree.Deb.Tests.Archive;

namespace AptOstree.Deb.Tests.Fuzz;

/// <summary>
/// Mutates one field of one header of a tar stream (name, mode, ids, size, mtime, checksum, type flag, link name,
/// magic, user and group names, device numbers, prefix) with values chosen for that field, then fixes the header
/// checksum (unless the checksum itself is the target) so the mutation reaches the parser behind the checksum check.
/// </summary>
internal static class TarHeaderMutator
{
    private static readonly (string Name, int Offset, int Length)[] Fields =
    [
        ("name", 0, 100), ("mode", 100, 8), ("uid", 108, 8), ("gid", 116, 8), ("size", 124, 12), ("mtime", 136, 12),
        ("chksum", 148, 8), ("typeflag", 156, 1), ("linkname", 157, 100), ("magic", 257, 6), ("version", 263, 2),
        ("uname", 265, 32), ("gname", 297, 32), ("devmajor", 329, 8), ("devminor", 337, 8), ("prefix", 345, 155),
    ];

    private static readonly string[] Paths =
    [
        "../outside/evil", "./a/../../outside/evil", "..", ".", "./", "/", "//etc/passwd", "/tmp/x", "a/b/c", "./usr/bin/fuzz", "./usr", "./usr/bin/fuzz-link/x",
        "./x\0y", "./\u00e9t\u00e9", new string('a', 100), "./a//b/./c", "./usr/bin/fuzz-link", "./etc/fuzz.conf",
    ];

    private static readonly string[] Octals =
    [
        "0000000\0", "7777777\0", "0007777\0", "77777777777\0", "00000000001\0", "-1\0", "1e3\0", "        ", "\0\0\0\0", "0x10\0", "9999999\0", "00000000000\0",
    ];

    private static readonly byte[] TypeFlags = "0123456789gxLKSVMDNAZ"u8.ToArray().Concat(new byte[] { 0, 0xFF, (byte)' ' }).ToArray();

    /// <summary>Offsets of the headers of <paramref name="tar"/> (walking the size fields, stopping at the first zero block).</summary>
    public static List<int> HeaderOffsets(byte[] tar)
    {
        var offsets = new List<int>();
        var at = 0;
        while (at + 512 <= tar.Length && tar.AsSpan(at, 512).ContainsAnyExcept((byte)0))
        {
            offsets.Add(at);
            var sizeText = Encoding.ASCII.GetString(tar, at + 124, 12).Trim('\0', ' ');
            var size = sizeText.Length == 0 ? 0 : Convert.ToInt64(sizeText, 8);
            at += 512 + (int)((size + 511) / 512 * 512);
        }

        return offsets;
    }

    /// <summary>Mutates one field of a random header of a copy of <paramref name="tar"/>.</summary>
    public static Mutation Mutate(Random random, byte[] tar, IReadOnlyList<int> headers)
    {
        var data = (byte[])tar.Clone();
        var header = headers[random.Next(headers.Count)];
        var (name, offset, length) = Fields[random.Next(Fields.Length)];
        var field = data.AsSpan(header + offset, length);
        string what;
        switch (name)
        {
            case "name" or "linkname" or "prefix" or "uname" or "gname":
                var path = random.Next(4) == 0 ? RandomText(random, random.Next(1, length + 1)) : Paths[random.Next(Paths.Length)];
                what = Write(field, path);
                break;
            case "typeflag":
                field[0] = TypeFlags[random.Next(TypeFlags.Length)];
                what = $"0x{field[0]:x2}";
                break;
            case "magic" or "version":
                what = Write(field, random.Next(3) switch { 0 => "ustar\0", 1 => "ustar ", _ => RandomText(random, length) });
                break;
            default:
                if (random.Next(4) == 0)
                {
                    // base-256 (GNU binary) numbers: huge or negative.
                    field.Clear();
                    field[0] = random.Next(2) == 0 ? (byte)0x80 : (byte)0xFF;
                    for (var i = 1; i < field.Length; i++)
                    {
                        field[i] = (byte)random.Next(256);
                    }

                    what = "base-256 " + Convert.ToHexString(field);
                }
                else
                {
                    what = Write(field, Octals[random.Next(Octals.Length)]);
                }

                break;
        }

        if (name != "chksum" || random.Next(2) == 0)
        {
            RawDeb.FixChecksum(data, header);
        }

        return new Mutation(data, string.Create(CultureInfo.InvariantCulture, $"header at {header}: {name} = {what}"));
    }

    private static string Write(Span<byte> field, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        field.Clear();
        bytes.AsSpan(0, Math.Min(bytes.Length, field.Length)).CopyTo(field);
        return "'" + value.Replace("\0", "\\0", StringComparison.Ordinal) + "'";
    }

    private static string RandomText(Random random, int length)
    {
        var chars = new char[length];
        for (var i = 0; i < length; i++)
        {
            chars[i] = (char)random.Next(1, 128);
        }

        return new string(chars);
    }
}
