using System.IO.Compression;
using System.Text;
using AptOstree.OSTree.GVariant;

namespace AptOstree.OSTree.Tests.Fuzz;

/// <summary>Valid OSTree objects written by our own writer: the inputs the fuzz tests mutate.</summary>
internal static class FuzzSeeds
{
    public const string SummaryType = "(a(s(taya{sv}))a{sv})";

    private static readonly Checksum A = Checksum.Compute("a"u8);
    private static readonly Checksum B = Checksum.Compute("b"u8);

    /// <summary>Commits: bare, with metadata of every kind ostree writes (and some it could), and one with 2-byte offsets.</summary>
    public static IEnumerable<byte[]> Commits()
    {
        yield return new OstreeCommit([], null, "s", string.Empty, 0, A, B).Serialize();
        yield return new OstreeCommit(RichMetadata(), B, "subject", "body\nline two", 1577836800, A, B).Serialize();
        yield return new OstreeCommit([new("version", GVariantValue.FromString("1.0"))], A, "wide", new string('w', 300), ulong.MaxValue, A, B).Serialize();
    }

    /// <summary>Dirtrees: empty, a few files and directories, and 12 files (over 255 bytes: 2-byte offsets).</summary>
    public static IEnumerable<byte[]> DirTrees()
    {
        yield return DirTree.Empty.Serialize();
        yield return DirTree.Create([new("a", A), new("b.txt", B), new("ü", A)], [new("d", A, B), new("e", B, A)]).Serialize();
        yield return DirTree.Create(Enumerable.Range(0, 12).Select(i => new DirTreeFile($"f{i:D2}", i % 2 == 0 ? A : B)), []).Serialize();
    }

    /// <summary>Dirmetas: the default one and one with xattrs.</summary>
    public static IEnumerable<byte[]> DirMetas()
    {
        yield return DirMeta.Default.Serialize();
        yield return DirMeta.Create(1000, 1000, 0x1C0, Xattrs()).Serialize();
    }

    /// <summary>Summaries: refs with timestamps, the additional metadata, a collection map and a collection ID.</summary>
    public static IEnumerable<byte[]> Summaries()
    {
        yield return GVariantSerializer.Serialize(SummaryType, new object[] { Array.Empty<object>(), Array.Empty<object>() });
        object[] refs =
        [
            Ref("main", A, 1234), Ref("os/x86_64/stable", B, 99),
        ];
        object[] additional =
        [
            new object[] { "ostree.summary.mode", GVariantValue.FromString("archive-z2") },
            new object[] { "ostree.summary.last-modified", GVariantValue.FromUInt64BigEndian(1577836800) },
            new object[] { "ostree.summary.tombstone-commits", GVariantValue.FromBoolean(false) },
            new object[] { "ostree.summary.collection-map", new GVariantValue("a{sa(s(taya{sv}))}", new object[] { new object[] { "org.example.Other", new object[] { Ref("other", A, 7) } } }) },
            new object[] { "ostree.summary.indexed-deltas", GVariantValue.FromBoolean(true) },
            new object[] { "ostree.summary.collection-id", GVariantValue.FromString("org.example.Os") },
        ];
        yield return GVariantSerializer.Serialize(SummaryType, new object[] { refs, additional });
    }

    /// <summary>Signature containers (<c>.commitmeta</c>, <c>summary.sig</c>): ed25519 and GPG entries.</summary>
    public static IEnumerable<byte[]> SignatureContainers()
    {
        var signature = new byte[64];
        new Random(7).NextBytes(signature);
        var gpg = new byte[120];
        new Random(8).NextBytes(gpg);
        yield return SignatureContainer.Replace(null, "ostree.sign.ed25519", [signature, signature.Reverse().ToArray()]);
        yield return SignatureContainer.Replace(
            [new("ostree.gpgsigs", new GVariantValue("aay", new object[] { gpg })), new("xa.note", GVariantValue.FromString("kept"))],
            "ostree.sign.ed25519",
            [signature]);
    }

    /// <summary>Archive (<c>.filez</c>) objects: header plus raw DEFLATE for a file, a symlink and a file with xattrs.</summary>
    public static IEnumerable<byte[]> ArchiveObjects()
    {
        yield return [.. FileHeader.ForFile(0, 0, 0x1A4).SerializeArchiveHeader(6), .. Deflate("hello\n"u8)];
        yield return FileHeader.ForSymlink(0, 0, "../target").SerializeArchiveHeader(0);
        yield return [.. FileHeader.ForFile(1000, 100, 0x9ED, Xattrs()).SerializeArchiveHeader(3), .. Deflate("abc"u8)];
    }

    /// <summary>bare-user <c>user.ostreemeta</c> values.</summary>
    public static IEnumerable<byte[]> UserMetas()
    {
        yield return FileHeader.ForFile(0, 0, 0x1A4).SerializeUserMeta();
        yield return FileHeader.ForSymlink(1000, 1000, "t", Xattrs()).SerializeUserMeta();
    }

    /// <summary>GVariant text: forms ostree's --add-metadata takes (all must parse) and what our printer writes for the rich metadata.</summary>
    public static IEnumerable<string> Texts()
    {
        string[] texts =
        [
            "true", "42", "-7", "3.5", "uint32 7", "<int16 -3>", "uint64 18446744073709551615", "byte 0xff", "'it\\'s'",
            "\"tab\\tquote'\"", "b'bytes'", "[1, 2, 3]", "@as []", "['a', 'b']", "{'k': <1>, 'l': <'v'>}", "(1, 'two', [true])",
            "objectpath '/org/x'", "signature 'a{sv}'", "[b'x', b'y']", "<<'nested'>>", "'\\u00fcn'", "[(byte 1, 'a')]", "@a{sv} {}",
            "@ay [0x01, 0x02]", "{'a': [int64 -1, 2]}", "uint16 65535", "uint32 0x10", "0.1", "1e5", "[[1], [2, 3]]", "('one',)",
            "('x', 2, true)", "{'k': <1.5>, 'l': <'s'>}", "[(1, 'x')]", "[<1>, <'s'>]", "<<int16 -3>>",
        ];
        foreach (var text in texts)
        {
            yield return text;
        }

        foreach (var (_, value) in RichMetadata())
        {
            yield return GVariantText.Print("v", value);
        }
    }

    public static IReadOnlyList<ExtendedAttribute> Xattrs() =>
        ExtendedAttribute.Canonicalize([new("security.selinux", "system_u:object_r:usr_t:s0\0"u8.ToArray()), new("user.a", [0, 1, 0xFF])]);

    public static byte[] Deflate(ReadOnlySpan<byte> content)
    {
        using var output = new MemoryStream();
        using (var deflate = new DeflateStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            deflate.Write(content);
        }

        return output.ToArray();
    }

    private static List<KeyValuePair<string, GVariantValue>> RichMetadata() =>
    [
        new("version", GVariantValue.FromString("42.1")),
        new("ostree.ref-binding", GVariantValue.FromStrings(["main", "os/x86_64/stable"])),
        new("ostree.collection-binding", GVariantValue.FromString("org.example.Os")),
        new("ostree.commit.timestamp", GVariantValue.FromUInt64BigEndian(1577836800)),
        new("bytes", GVariantValue.FromBytes(Encoding.UTF8.GetBytes("bytes\0"))),
        new("flag", GVariantValue.FromBoolean(true)),
        new("boxed", new GVariantValue("v", new GVariantValue("v", GVariantValue.FromString("inner")))),
        new("pair", new GVariantValue("(su)", new object[] { "x", 7u })),
        new("dict", new GVariantValue("a{sv}", new object[] { new object[] { "k", new GVariantValue("i", -3) } })),
        new("double", new GVariantValue("d", 1.5)),
        new("numbers", new GVariantValue("(ynqixt)", new object[] { (byte)1, (short)-2, (ushort)3, 4, -5L, 6UL })),
        new("path", new GVariantValue("o", "/org/example")),
        new("signature", new GVariantValue("g", "a{sv}")),
        new("sigs", new GVariantValue("aay", new object[] { new byte[] { 1, 2, 3 }, Array.Empty<byte>() })),
        new("fixed", new GVariantValue("a(yu)", new object[] { new object[] { (byte)1, 2u }, new object[] { (byte)3, 4u } })),
    ];

    private static object[] Ref(string name, Checksum commit, ulong size) =>
    [
        name,
        new object[] { size, commit.ToByteArray(), new object[] { new object[] { "ostree.commit.timestamp", GVariantValue.FromUInt64BigEndian(1577836800) } } },
    ];
}
