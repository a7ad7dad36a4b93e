using System.Text;
using AptOstree.Deb.Apt;
using AptOstree.Deb.Solver;
using AptOstree.Testing;

namespace AptOstree.Deb.Tests.Solver.Loading;

/// <summary>The byte-level scanner yields exactly the records of the generic deb822 path (<see cref="PackagesIndexReader.Read"/>).</summary>
public sealed class PackageStanzaScannerTests
{
    [SkippableFact]
    public void Host_lists_give_the_same_records_as_the_deb822_reader()
    {
        var indexes = AptListsDirectory.FindPackagesIndexes(HostAptLists.Snapshot);
        Skip.If(indexes.Count == 0, "The host has no APT lists; run apt-get update.");
        var origin = new PackageOrigin("Debian", "Debian", "test", "test", "main", "12", "file:///lists");
        foreach (string index in indexes)
        {
            using var decoded = new MemoryStream(IndexCompressionFormats.ReadAllDecoded(index), writable: false);
            var generic = PackagesIndexReader.Read(decoded, origin, index, 500).ToList();
            var fast = PackagesIndexReader.ReadFile(index, origin, 500);
            Assert.Equal(generic.Count, fast.Count);
            for (int i = 0; i < generic.Count; i++)
            {
                Assert.Equal(generic[i], fast[i]);
            }
        }
    }

    [Fact]
    public void Deb822_details_are_read_like_the_generic_reader()
    {
        const string Text =
            "\n  \nPackage: Foo-Bar\r\nVersion: 1:2.0-1 \nArchitecture: amd64\nmulti-arch: foreign\nEssential: Yes\n" +
            "Important: yes\nPriority: required\nSection: admin\nSource: foo (2.0-0)\nSize: 12\nInstalled-Size:  34 \n" +
            "Description: x\n more\n .\nDepends:\n a,\n\tb (>= 1) | c\nPre-Depends: d ,  e \nProvides: v (= 1)\nX-Other: y\n" +
            "Filename: pool/f.deb\nSHA256: ab\n\t\n\nPackage: plain\nVersion: 1\nArchitecture: all\nConflicts: foo\nBreaks: x\n" +
            "Replaces: y\nSuggests: z\nRecommends: w\nProtected: yes\nSize: nope\n";
        AssertSameAsGeneric(Text);
    }

    [Fact]
    public void Large_input_split_in_parts_keeps_order_and_line_numbers()
    {
        var sb = new StringBuilder();
        int i = 0;
        while (sb.Length < 9 << 20)
        {
            sb.Append($"Package: p{i}\nVersion: 1.{i}\nArchitecture: amd64\nDepends: p{i + 1}\nDescription: d\n long text {i}\n\n");
            i++;
        }

        AssertSameAsGeneric(sb.ToString());
        sb.Append("Package: last\nVersion: not a version!\nArchitecture: amd64\n");
        var generic = Assert.ThrowsAny<InvalidFormatException>(() => PackagesIndexReader.Read(Stream(sb.ToString()), null, "big").ToList());
        var fast = Assert.ThrowsAny<InvalidFormatException>(() => PackageStanzaScanner.ReadAll(Encoding.UTF8.GetBytes(sb.ToString()), null, "big"));
        Assert.Equal(AptErrorCodes.InvalidIndexStanza, fast.ErrorCode);
        Assert.Equal(generic.Message, fast.Message);
    }

    [Theory]
    [InlineData("Version: 1\nArchitecture: amd64\n")]
    [InlineData("Package: a\nArchitecture: amd64\n")]
    [InlineData("Package: a\nVersion: 1\n")]
    [InlineData("Package: a\nVersion: 1\nArchitecture:\n")]
    [InlineData("Package: a\nVersion: -1\nArchitecture: amd64\n")]
    [InlineData(" continuation\nPackage: a\n")]
    [InlineData("Package: a\nno colon here\n")]
    [InlineData("Package: a\n#comment: x\n")]
    [InlineData("Package: a\nPackage: b\nVersion: 1\nArchitecture: all\n")]
    public void Malformed_stanzas_fail_with_the_index_error_code(string text)
    {
        var generic = Assert.ThrowsAny<InvalidFormatException>(() => PackagesIndexReader.Read(Stream(text), null, "idx").ToList());
        var fast = Assert.ThrowsAny<InvalidFormatException>(() => PackageStanzaScanner.ReadAll(Encoding.UTF8.GetBytes(text), null, "idx"));
        Assert.Equal(AptErrorCodes.InvalidIndexStanza, generic.ErrorCode);
        Assert.Equal(generic.ErrorCode, fast.ErrorCode);
    }

    [Fact]
    public void Invalid_utf8_fails_with_the_index_error_code()
    {
        byte[] bytes = [.. "Package: a\nVersion: 1\nArchitecture: all\nDescription: "u8, 0xff, 0xfe, (byte)'\n'];
        var ex = Assert.ThrowsAny<InvalidFormatException>(() => PackageStanzaScanner.ReadAll(bytes, null, "idx"));
        Assert.Equal(AptErrorCodes.InvalidIndexStanza, ex.ErrorCode);
    }

    private static void AssertSameAsGeneric(string text)
    {
        var generic = PackagesIndexReader.Read(Stream(text), null, "idx", 100).ToList();
        var fast = PackageStanzaScanner.ReadAll(Encoding.UTF8.GetBytes(text), null, "idx", 100);
        Assert.NotEmpty(generic);
        Assert.Equal(generic, fast);
    }

    private static MemoryStream Stream(string text) => new(Encoding.UTF8.GetBytes(text));
}
