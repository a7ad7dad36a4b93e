using System.Text;
using AptOstree.Posix;
using AptOstree.Testing;

namespace AptOstree.Deb.Tests.TarXattrs; // not ".Tar": other tests spell AptOstree.Deb.Tar types as Tar.X

/// <summary>
/// Extended attribute values are bytes: GNU tar 1.34 (the oracle) writes them raw into pax <c>SCHILY.xattr.*</c>
/// records and restores them with <c>--xattrs</c>. Binary values (a capability-like blob with NUL, 0xFF, a
/// newline and '=') and names GNU tar escapes ('=' and '%') must survive our reader and our builder byte for byte.
/// </summary>
public sealed class TarXattrTests : IDisposable
{
    private static readonly byte[] Binary = [0x01, 0x00, 0x00, 0x02, 0xFF, 0xFE, (byte)'\n', (byte)'=', 0x80, 0x00, 0x20, 0xC3];
    private static readonly Dictionary<string, byte[]> Attributes = new(StringComparer.Ordinal)
    {
        ["user.binary"] = Binary,
        ["user.text"] = Encoding.UTF8.GetBytes("héllo wörld"),
        ["user.escaped=name%25"] = [0xFF],
        ["user.empty"] = [],
    };

    private readonly TempDirectory _temp = new("aptostree-tar-xattr-");

    public void Dispose() => _temp.Dispose();

    [SkippableFact]
    public void Binary_values_written_by_gnu_tar_are_read_byte_exact()
    {
        RequireXattrs();
        var source = _temp.Combine("src");
        Directory.CreateDirectory(Path.Combine(source, "dir"));
        var file = Path.Combine(source, "dir", new string('f', 120)); // a GNU long name too
        File.WriteAllText(file, "content");
        var fs = LibcPosixFileSystem.Instance;
        foreach (var (name, value) in Attributes)
        {
            fs.SetExtendedAttribute(file, name, value);
        }

        fs.SetExtendedAttribute(Path.Combine(source, "dir"), "user.on-dir", Binary);
        // GNU tar's default format with --xattrs (GNU headers after pax ones), and strict POSIX.
        foreach (var format in new[] { "default", "posix" })
        {
            var archive = _temp.Combine($"gnu-tar-{format}.tar");
            string[] formatOption = format == "default" ? [] : [$"--format={format}"];
            ExternalTool.Run("tar", ["--xattrs", "--xattrs-include=*", .. formatOption, "-cf", archive, "-C", source, "dir"]).EnsureSuccess("tar -c");

            using var reader = new TarArchiveReader(File.OpenRead(archive));
            var entries = reader.EnumerateEntries().ToDictionary(e => e.Path, StringComparer.Ordinal);
            AssertAttributes(Attributes, entries["dir/" + new string('f', 120)], format);
            AssertAttributes(new Dictionary<string, byte[]> { ["user.on-dir"] = Binary }, entries["dir"], format);
        }
    }

    [SkippableFact]
    public void Binary_values_built_into_a_package_are_restored_by_gnu_tar_and_by_our_extractor()
    {
        RequireXattrs();
        ExternalTool.Require("dpkg-deb");
        var longPath = "usr/share/" + new string('d', 90) + "/" + new string('n', 40);
        var builder = new DebBuilder { AllowExtendedAttributes = true }.SetControlFields(
        [
            new("Package", "aptostree-xattrs"), new("Version", "1.0"), new("Architecture", "all"),
            new("Maintainer", "Test <test@example.invalid>"), new("Description", "xattr round trip"),
        ]);
        builder.AddEntry(new DebBuildEntry
        {
            Path = "usr/bin/ping",
            Type = TarArchiveEntryType.RegularFile,
            Permissions = 0x1ED,
            Content = "#!/bin/sh\n"u8.ToArray(),
            ExtendedAttributes = Attributes.ToDictionary(a => a.Key, a => (ReadOnlyMemory<byte>)a.Value, StringComparer.Ordinal),
        });
        var tooLong = new DebBuildEntry
        {
            Path = longPath,
            Type = TarArchiveEntryType.RegularFile,
            Content = "x"u8.ToArray(),
            ExtendedAttributes = new Dictionary<string, ReadOnlyMemory<byte>> { ["user.binary"] = Binary },
        };
        Assert.Equal(DebErrorCodes.InvalidBuildInput, Assert.Throws<AptOstreeException>(() => builder.AddEntry(tooLong)).ErrorCode);
        builder.AddEntry(tooLong with { ExtendedAttributes = new Dictionary<string, ReadOnlyMemory<byte>>() });
        builder.AddFile("usr/share/doc/plain", "no attributes");
        var deb = _temp.Combine("xattrs.deb");
        builder.Build(deb);

        // dpkg-deb accepts the package and hands out its data.tar; GNU tar restores the attributes from it.
        var listing = ExternalTool.Output("dpkg-deb", "-c", deb);
        Assert.Contains("./usr/bin/ping", listing);
        Assert.Contains("./" + longPath, listing);
        var dataTar = _temp.Combine("data.tar");
        ExternalTool.Run("sh", ["-c", "dpkg-deb --fsys-tarfile \"$1\" > \"$2\"", "sh", deb, dataTar]).EnsureSuccess("dpkg-deb --fsys-tarfile");
        var byGnuTar = _temp.Combine("by-gnu-tar");
        Directory.CreateDirectory(byGnuTar);
        ExternalTool.Run("tar", ["--xattrs", "--xattrs-include=*", "-xf", dataTar, "-C", byGnuTar]).EnsureSuccess("tar -x --xattrs");
        AssertOnDisk(Attributes, Path.Combine(byGnuTar, "usr/bin/ping"));
        AssertOnDisk(new Dictionary<string, byte[]>(), Path.Combine(byGnuTar, longPath));
        AssertOnDisk(new Dictionary<string, byte[]>(), Path.Combine(byGnuTar, "usr/share/doc/plain"));

        // Our reader and extractor give the same bytes.
        using var pkg = DebPackage.Open(deb);
        var entries = pkg.GetDataEntries().ToDictionary(e => e.Path, StringComparer.Ordinal);
        AssertAttributes(Attributes, entries["usr/bin/ping"], "our package");
        Assert.Empty(entries["usr/share/doc/plain"].ExtendedAttributes);
        using var again = DebPackage.Open(deb);
        var ours = _temp.Combine("by-us");
        again.ExtractTo(ours, new DebExtractOptions { ApplyExtendedAttributes = true });
        AssertOnDisk(Attributes, Path.Combine(ours, "usr/bin/ping"));
    }

    [Fact]
    public void Records_round_trip_through_our_writer_and_the_core_reader()
    {
        var attributes = Attributes.ToDictionary(a => a.Key, a => (ReadOnlyMemory<byte>)a.Value, StringComparer.Ordinal);
        attributes["user.large"] = Enumerable.Range(0, 5000).Select(i => (byte)i).ToArray(); // a 4-digit record length
        using var reader = new TarArchiveReader(new MemoryStream(TarWithPaxRecords(PaxXattrRecordWriter.Build(attributes))));
        var entry = reader.GetNextEntry()!;
        Assert.Equal(attributes.Keys.Order(StringComparer.Ordinal), entry.ExtendedAttributes.Keys.Order(StringComparer.Ordinal));
        foreach (var (name, value) in attributes)
        {
            Assert.True(value.Span.SequenceEqual(entry.ExtendedAttributes[name].Span), name);
        }
    }

    [Theory]
    [InlineData("9 a=b\n")]
    [InlineData("x SCHILY.xattr.user.a=b\n")]
    [InlineData("24 SCHILY.xattr.user.a=b\n")]
    [InlineData("26 SCHILY.xattr.user.a=b\nX")]
    [InlineData("11 novalue\n")]
    public void Malformed_records_are_an_invalid_tar_error(string records)
    {
        using var reader = new TarArchiveReader(new MemoryStream(TarWithPaxRecords(Encoding.ASCII.GetBytes(records))), sourceName: "x.deb", memberName: "data.tar");
        var ex = Assert.Throws<InvalidFormatException>(() => reader.GetNextEntry());
        Assert.Equal(CoreErrorCodes.InvalidTar, ex.ErrorCode);
        Assert.Contains("pax extended header", ex.Message, StringComparison.Ordinal);
        Assert.Contains("x.deb", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Other_pax_records_carry_no_attributes()
    {
        using var reader = new TarArchiveReader(new MemoryStream(TarWithPaxRecords("30 mtime=1795739746.326587295\n"u8.ToArray())));
        var entry = reader.GetNextEntry()!;
        Assert.Empty(entry.ExtendedAttributes);
        Assert.Equal(1795739746, entry.ModificationTime.ToUnixTimeSeconds());
    }

    /// <summary>A tar of one file <c>./f</c> whose pax extended header holds <paramref name="records"/>.</summary>
    private static byte[] TarWithPaxRecords(byte[] records)
    {
        var output = new MemoryStream();
        PaxExtendedHeader.Write(output, "./f", DateTimeOffset.UnixEpoch, records);
        using (var writer = new System.Formats.Tar.TarWriter(output, System.Formats.Tar.TarEntryFormat.Gnu, leaveOpen: true))
        {
            writer.WriteEntry(new System.Formats.Tar.GnuTarEntry(System.Formats.Tar.TarEntryType.RegularFile, "./f") { DataStream = new MemoryStream("x"u8.ToArray()) });
        }

        return output.ToArray();
    }

    private static void AssertAttributes(IReadOnlyDictionary<string, byte[]> expected, TarArchiveEntry entry, string what)
    {
        Assert.True(
            expected.Keys.Order(StringComparer.Ordinal).SequenceEqual(entry.ExtendedAttributes.Keys.Order(StringComparer.Ordinal)),
            $"{what}: {entry.Name} has [{string.Join(", ", entry.ExtendedAttributes.Keys)}]");
        foreach (var (name, value) in expected)
        {
            Assert.True(
                value.AsSpan().SequenceEqual(entry.ExtendedAttributes[name].Span),
                $"{what}: {name} is {Convert.ToHexString(entry.ExtendedAttributes[name].Span)}, expected {Convert.ToHexString(value)}");
        }
    }

    private static void AssertOnDisk(IReadOnlyDictionary<string, byte[]> expected, string path)
    {
        var fs = LibcPosixFileSystem.Instance;
        var names = fs.ListExtendedAttributes(path).Where(n => n.StartsWith("user.", StringComparison.Ordinal)).Order(StringComparer.Ordinal);
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), names);
        foreach (var (name, value) in expected)
        {
            Assert.Equal(Convert.ToHexString(value), Convert.ToHexString(fs.GetExtendedAttribute(path, name) ?? []));
        }
    }

    private void RequireXattrs()
    {
        ExternalTool.Require("tar");
        var probe = _temp.Combine("probe");
        File.WriteAllText(probe, "");
        try
        {
            LibcPosixFileSystem.Instance.SetExtendedAttribute(probe, "user.aptostree-probe", [0]);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or AptOstreeException or PlatformNotSupportedException)
        {
            Skip.If(true, $"The temporary directory's file system does not take user.* extended attributes ({ex.Message}).");
        }
    }
}
