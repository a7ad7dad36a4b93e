using System.Formats.Tar;
using System.Text;

namespace AptOstree.Deb.Tests.Archive;

/// <summary>Hand-assembles .deb files member by member (also invalid ones) for format and hostile-input tests.</summary>
internal static class RawDeb
{
    public static byte[] Ar(params (string Name, byte[] Data)[] members)
    {
        var ms = new MemoryStream();
        using (var ar = new ArWriter(ms, leaveOpen: true))
        {
            foreach (var (name, data) in members)
            {
                ar.WriteMember(name, data, 1_700_000_000);
            }
        }

        return ms.ToArray();
    }

    public static byte[] Tar(params TarEntry[] entries)
    {
        var ms = new MemoryStream();
        using (var writer = new TarWriter(ms, TarEntryFormat.Gnu, leaveOpen: true))
        {
            foreach (var e in entries)
            {
                writer.WriteEntry(e);
            }
        }

        return ms.ToArray();
    }

    public static GnuTarEntry File(string name, string content, UnixFileMode mode = (UnixFileMode)0x1A4)
    {
        var e = new GnuTarEntry(TarEntryType.RegularFile, name)
        {
            DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content)),
            Mode = mode,
            ModificationTime = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000),
            UserName = "root",
            GroupName = "root",
        };
        return e;
    }

    public static GnuTarEntry Dir(string name) => new(TarEntryType.Directory, name)
    {
        Mode = (UnixFileMode)0x1ED,
        ModificationTime = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000),
        UserName = "root",
        GroupName = "root",
    };

    public static GnuTarEntry Link(TarEntryType type, string name, string target) => new(type, name)
    {
        LinkName = target,
        Mode = (UnixFileMode)0x1FF,
        ModificationTime = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000),
        UserName = "root",
        GroupName = "root",
    };

    public static byte[] Compress(byte[] data, DebCompression compression)
    {
        var ms = new MemoryStream();
        using (var c = DebCompressor.Open(ms, compression, leaveOpen: true))
        {
            c.Write(data);
        }

        return ms.ToArray();
    }

    public static byte[] ControlTarGz(string? control = null) => Compress(
        Tar(Dir("./"), File("./control", control ?? "Package: hostile\nVersion: 1.0\nArchitecture: all\nMaintainer: T <t@example.invalid>\nDescription: test\n")),
        DebCompression.Gzip);

    /// <summary>A complete .deb around the given data.tar entries (gzip members).</summary>
    public static byte[] WithData(params TarEntry[] dataEntries) => Ar(
        ("debian-binary", "2.0\n"u8.ToArray()),
        ("control.tar.gz", ControlTarGz()),
        ("data.tar.gz", Compress(Tar(dataEntries), DebCompression.Gzip)));

    /// <summary>Changes the type flag of the tar header at <paramref name="headerOffset"/> and fixes its checksum.</summary>
    public static void PatchTypeFlag(byte[] tar, int headerOffset, byte flag)
    {
        tar[headerOffset + 156] = flag;
        FixChecksum(tar, headerOffset);
    }

    public static void FixChecksum(byte[] tar, int headerOffset)
    {
        for (var i = 148; i < 156; i++)
        {
            tar[headerOffset + i] = (byte)' ';
        }

        var sum = 0;
        for (var i = 0; i < 512; i++)
        {
            sum += tar[headerOffset + i];
        }

        var text = Convert.ToString(sum, 8).PadLeft(6, '0') + "\0 ";
        Encoding.ASCII.GetBytes(text).CopyTo(tar, headerOffset + 148);
    }
}
