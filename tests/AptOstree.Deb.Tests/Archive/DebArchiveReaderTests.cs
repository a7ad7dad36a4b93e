using AptOstree.Testing;

namespace AptOstree.Deb.Tests.Archive;

/// <summary>The member acceptance matrix of deb-apt.md §1.2, checked against dpkg-deb on the same bytes.</summary>
public sealed class DebArchiveReaderTests
{
    private static readonly byte[] Version = "2.0\n"u8.ToArray();
    private static readonly byte[] DataTar = RawDeb.Tar(RawDeb.Dir("./"), RawDeb.File("./hello", "hi\n"));

    public static TheoryData<string, string?> Cases => new()
    {
        { "plain", null },
        { "control-none", null },
        { "control-xz", null },
        { "control-zst", null },
        { "control-bz2", DebErrorCodes.UnsupportedCompression },
        { "data-none", null },
        { "data-xz", null },
        { "data-zst", null },
        { "data-bz2", null },
        { "data-lzma", null },
        { "underscore-member-skipped", null },
        { "unknown-member-before-data", DebErrorCodes.InvalidMemberOrder },
        { "member-after-data-ignored", null },
        { "data-before-control", DebErrorCodes.InvalidMemberOrder },
        { "version-2.1-extra-lines", null },
        { "version-3.0", DebErrorCodes.UnsupportedFormatVersion },
        { "version-without-newline", DebErrorCodes.NotDebianBinary },
        { "first-member-not-debian-binary", DebErrorCodes.NotDebianBinary },
        { "two-control-members", DebErrorCodes.InvalidMemberOrder },
        { "no-data-member", DebErrorCodes.InvalidMemberOrder },
        { "data-unknown-compression", DebErrorCodes.UnsupportedCompression },
    };

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void Accepts_and_rejects_what_dpkg_deb_does(string name, string? expectedError)
    {
        var bytes = Build(name);
        string? ours = null;
        try
        {
            using var pkg = DebPackage.Open(new MemoryStream(bytes), sourceName: name);
            var entries = pkg.GetDataEntries();
            Assert.Contains(entries, e => e.Path == "hello");
        }
        catch (InvalidFormatException ex)
        {
            ours = ex.ErrorCode;
        }

        Assert.Equal(expectedError, ours);

        ExternalTool.Require("dpkg-deb");
        using var temp = new TempDirectory("debarchive-matrix-");
        var path = temp.Combine(name + ".deb");
        File.WriteAllBytes(path, bytes);
        var dpkg = ExternalTool.Run("dpkg-deb", ["-c", path]);
        Assert.True((dpkg.ExitCode == 0) == (expectedError is null), $"dpkg-deb -c exited {dpkg.ExitCode} ({dpkg.StandardError.Trim()}); we {(ours is null ? "accepted" : "rejected with " + ours)}");
    }

    private static byte[] Build(string name)
    {
        var controlTar = RawDeb.Tar(RawDeb.Dir("./"), RawDeb.File("./control", "Package: matrix\nVersion: 1\nArchitecture: all\nMaintainer: T <t@example.invalid>\nDescription: m\n"));
        (string, byte[]) Control(DebCompression c) => ("control.tar" + DebCompressionNames.GetSuffix(c), c == DebCompression.Bzip2 ? Bzip2(controlTar) : RawDeb.Compress(controlTar, c));
        (string, byte[]) Data(DebCompression c) => ("data.tar" + DebCompressionNames.GetSuffix(c), c switch
        {
            DebCompression.Bzip2 => Bzip2(DataTar),
            DebCompression.Lzma => Lzma(DataTar),
            _ => RawDeb.Compress(DataTar, c),
        });
        var v = ("debian-binary", Version);
        return name switch
        {
            "plain" => RawDeb.Ar(v, Control(DebCompression.Gzip), Data(DebCompression.Gzip)),
            "control-none" => RawDeb.Ar(v, Control(DebCompression.None), Data(DebCompression.Gzip)),
            "control-xz" => RawDeb.Ar(v, Control(DebCompression.Xz), Data(DebCompression.Xz)),
            "control-zst" => RawDeb.Ar(v, Control(DebCompression.Zstd), Data(DebCompression.Zstd)),
            "control-bz2" => RawDeb.Ar(v, Control(DebCompression.Bzip2), Data(DebCompression.Gzip)),
            "data-none" => RawDeb.Ar(v, Control(DebCompression.Gzip), Data(DebCompression.None)),
            "data-xz" => RawDeb.Ar(v, Control(DebCompression.Gzip), Data(DebCompression.Xz)),
            "data-zst" => RawDeb.Ar(v, Control(DebCompression.Gzip), Data(DebCompression.Zstd)),
            "data-bz2" => RawDeb.Ar(v, Control(DebCompression.Gzip), Data(DebCompression.Bzip2)),
            "data-lzma" => RawDeb.Ar(v, Control(DebCompression.Gzip), Data(DebCompression.Lzma)),
            "underscore-member-skipped" => RawDeb.Ar(v, ("_extra", [1, 2, 3]), Control(DebCompression.Gzip), Data(DebCompression.Gzip)),
            "unknown-member-before-data" => RawDeb.Ar(v, Control(DebCompression.Gzip), ("foo", [1]), Data(DebCompression.Gzip)),
            "member-after-data-ignored" => RawDeb.Ar(v, Control(DebCompression.Gzip), Data(DebCompression.Gzip), ("zzz", [1])),
            "data-before-control" => RawDeb.Ar(v, Data(DebCompression.Gzip), Control(DebCompression.Gzip)),
            "version-2.1-extra-lines" => RawDeb.Ar(("debian-binary", "2.1\nfoo\n"u8.ToArray()), Control(DebCompression.Gzip), Data(DebCompression.Gzip)),
            "version-3.0" => RawDeb.Ar(("debian-binary", "3.0\n"u8.ToArray()), Control(DebCompression.Gzip), Data(DebCompression.Gzip)),
            "version-without-newline" => RawDeb.Ar(("debian-binary", "2.0"u8.ToArray()), Control(DebCompression.Gzip), Data(DebCompression.Gzip)),
            "first-member-not-debian-binary" => RawDeb.Ar(Control(DebCompression.Gzip), v, Data(DebCompression.Gzip)),
            "two-control-members" => RawDeb.Ar(v, Control(DebCompression.Gzip), Control(DebCompression.Xz), Data(DebCompression.Gzip)),
            "no-data-member" => RawDeb.Ar(v, Control(DebCompression.Gzip)),
            "data-unknown-compression" => RawDeb.Ar(v, Control(DebCompression.Gzip), ("data.tar.lz4", DataTar)),
            _ => throw new ArgumentOutOfRangeException(nameof(name)),
        };
    }

    internal static byte[] Bzip2(byte[] data) => Pipe("bzip2", ["-c"], data);

    internal static byte[] Lzma(byte[] data) => Pipe("xz", ["--format=lzma", "-c"], data);

    internal static byte[] Pipe(string tool, string[] args, byte[] input)
    {
        ExternalTool.Require(tool);
        var psi = new System.Diagnostics.ProcessStartInfo(tool) { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var p = System.Diagnostics.Process.Start(psi)!;
        var output = new MemoryStream();
        var copy = p.StandardOutput.BaseStream.CopyToAsync(output);
        p.StandardInput.BaseStream.Write(input);
        p.StandardInput.Close();
        copy.Wait();
        p.WaitForExit();
        return output.ToArray();
    }
}
