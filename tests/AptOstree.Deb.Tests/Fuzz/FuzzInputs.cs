using System.Text;
using AptOstree.Deb.Apt;
using AptOstree.Deb.Tests.Archive;
using AptOstree.Deb.Tests.Building;

namespace AptOstree.Deb.Tests.Fuzz;

/// <summary>
/// Valid inputs the fuzzers start from: packages built with <see cref="DebBuilder"/>, and Packages, Release,
/// InRelease, status and sources texts taken from the host when it has them, with built-in fallbacks so the fuzzers
/// never depend on the host.
/// </summary>
internal static class FuzzInputs
{
    public const string ListsDirectory = "/var/lib/apt/lists";

    private static readonly Lazy<string> HostPackages = new(ReadHostPackages);

    private static readonly Lazy<string> HostStatus = new(ReadHostStatus);

    private static readonly Lazy<string?> HostInRelease = new(ReadHostInRelease);

    /// <summary>A package with a bit of everything: nested directories, files, a symlink, a hard link, scripts, conffiles.</summary>
    public static byte[] Deb(DebCompression compression, DebCompression? controlCompression = null)
    {
        var builder = TestDebs.Create(
            "fuzz-sample",
            "1:2.3-4~bpo1",
            "amd64",
            [new("Depends", "libc6 (>= 2.36), foo | bar:any (<< 3) [amd64]"), new("Provides", "fuzz-virtual (= 1)")],
            new Dictionary<string, string>
            {
                ["./usr/bin/fuzz"] = "#!/bin/sh\necho fuzz\n",
                ["./usr/share/doc/fuzz-sample/README"] = "fuzzing sample\n",
                ["./etc/fuzz.conf"] = "key=value\n",
            },
            new Dictionary<string, string> { ["postinst"] = "#!/bin/sh\nset -e\nexit 0\n" },
            compression);
        builder.ControlCompression = controlCompression;
        builder.AddControlFile("conffiles", "/etc/fuzz.conf\n"u8.ToArray());
        builder.AddControlFile("triggers", "interest /usr/share/fuzz\n"u8.ToArray());
        builder.AddSymbolicLink("./usr/bin/fuzz-link", "fuzz");
        builder.AddHardLink("./usr/bin/fuzz-hard", "./usr/bin/fuzz");
        builder.AddDirectory("./var/lib/fuzz", 0x1C0);
        var ms = new MemoryStream();
        builder.Build(ms);
        return ms.ToArray();
    }

    /// <summary>A .deb whose xz data member is two concatenated xz streams, so seekable readers take the parallel block decoder.</summary>
    public static byte[] DebWithMultiBlockXz()
    {
        var tar = DataTar();
        var half = tar.Length / 2;
        byte[] xz = [.. RawDeb.Compress(tar[..half], DebCompression.Xz), .. RawDeb.Compress(tar[half..], DebCompression.Xz)];
        return RawDeb.Ar(("debian-binary", "2.0\n"u8.ToArray()), ("control.tar.gz", RawDeb.ControlTarGz()), ("data.tar.xz", xz));
    }

    /// <summary>A .deb with a bzip2 data member (bzip2 is read-only in our compressor, so SharpCompress writes it).</summary>
    public static byte[] DebWithBzip2Data()
    {
        var ms = new MemoryStream();
        using (var bz = SharpCompress.Compressors.BZip2.BZip2Stream.Create(ms, SharpCompress.Compressors.CompressionMode.Compress, decompressConcatenated: false, leaveOpen: true))
        {
            bz.Write(DataTar());
        }

        return RawDeb.Ar(("debian-binary", "2.0\n"u8.ToArray()), ("control.tar.gz", RawDeb.ControlTarGz()), ("data.tar.bz2", ms.ToArray()));
    }

    /// <summary>The uncompressed data.tar of <see cref="Deb"/>.</summary>
    public static byte[] DataTar() => MemberOf(Deb(DebCompression.None), "data.tar");

    /// <summary>The uncompressed control.tar of <see cref="Deb"/>.</summary>
    public static byte[] ControlTar() => MemberOf(Deb(DebCompression.None, DebCompression.None), "control.tar");

    /// <summary>A pax tar with extended attributes (raw SCHILY.xattr records), as GNU tar writes them.</summary>
    public static byte[] TarWithXattrs()
    {
        var builder = new DebBuilder { Compression = DebCompression.None, AllowExtendedAttributes = true, Timestamp = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000) }
            .SetControl("Package: x\nVersion: 1\nArchitecture: all\nMaintainer: T <t@example.invalid>\nDescription: x\n");
        builder.AddEntry(new DebBuildEntry
        {
            Path = "./usr/bin/cap",
            Type = TarArchiveEntryType.RegularFile,
            Content = "binary"u8.ToArray(),
            ExtendedAttributes = new Dictionary<string, ReadOnlyMemory<byte>> { ["security.capability"] = new byte[] { 1, 0, 0, 2, 0x20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, ["user.note"] = "a\nb"u8.ToArray() },
        });
        var ms = new MemoryStream();
        builder.Build(ms);
        return MemberOf(ms.ToArray(), "data.tar");
    }

    /// <summary>The raw bytes of the first ar member whose name starts with <paramref name="prefix"/>.</summary>
    public static byte[] MemberOf(byte[] deb, string prefix)
    {
        using var ar = new AptOstree.Deb.ArReader(new MemoryStream(deb));
        while (ar.GetNextMember() is { } member)
        {
            if (member.Name.StartsWith(prefix, StringComparison.Ordinal))
            {
                return member.ReadAllBytes();
            }
        }

        throw new InvalidOperationException($"no member {prefix}* in the sample .deb");
    }

    /// <summary>Some stanzas of the host's Packages index, or a built-in sample.</summary>
    public static string Packages => HostPackages.Value;

    /// <summary>Some stanzas of the host's dpkg status, or a built-in sample.</summary>
    public static string Status => HostStatus.Value;

    /// <summary>A Release text: the host's InRelease fields with a shortened SHA256 list, or a built-in sample.</summary>
    public static string Release => HostInRelease.Value is { } text ? ShortenRelease(ClearSignedMessage.Parse(text).SignedText) : FallbackRelease;

    /// <summary>A cleartext-signed Release: the host's signature block around <see cref="Release"/> (not a valid signature any more), or a built-in one.</summary>
    public static string InRelease
    {
        get
        {
            var signature = HostInRelease.Value is { } text ? ClearSignedMessage.Parse(text).ArmoredSignature : FallbackSignature;
            var body = string.Join('\n', Release.Split('\n').Select(l => l.StartsWith('-') ? "- " + l : l));
            return $"-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\n{body}\n{signature}";
        }
    }

    /// <summary>An EDSP 0.5 scenario built around <see cref="Packages"/>: every version gets an APT-ID, some are installed.</summary>
    public static string Edsp
    {
        get
        {
            var sb = new StringBuilder("Request: EDSP 0.5\nArchitecture: amd64\nArchitectures: amd64 i386\nInstall: ");
            var stanzas = Packages.Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
            var first = stanzas[0].Split('\n')[0].Replace("Package:", string.Empty, StringComparison.Ordinal).Trim();
            sb.Append(first).Append(":amd64\nUpgrade-All: no\nSolver: apt\n\n");
            for (var i = 0; i < stanzas.Length; i++)
            {
                sb.Append(stanzas[i].TrimEnd('\n'))
                    .Append("\nAPT-ID: ").Append(i)
                    .Append("\nAPT-Pin: 500\nAPT-Candidate: yes\n")
                    .Append(i % 3 == 1 ? "Installed: yes\n" : string.Empty)
                    .Append('\n');
            }

            return sb.ToString();
        }
    }

    /// <summary>deb822 sources: the host's when readable, or a built-in sample.</summary>
    public static string Sources
    {
        get
        {
            var host = Directory.Exists("/etc/apt/sources.list.d")
                ? Directory.EnumerateFiles("/etc/apt/sources.list.d", "*.sources").Order(StringComparer.Ordinal).FirstOrDefault()
                : null;
            return host is not null ? File.ReadAllText(host) : FallbackSources;
        }
    }

    /// <summary>A one-line-style sources.list with options.</summary>
    public const string OneLineSources =
        "# comment\ndeb [arch=amd64,i386 signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] file:/srv/mirror/debian bookworm main contrib\n" +
        "deb-src file:/srv/mirror/debian bookworm-updates main\ndeb [ trusted=yes ] file:/srv/repo ./\n";

    /// <summary>Version strings worth mutating: epochs, tildes, revisions, odd but valid characters.</summary>
    public static IReadOnlyList<string> Versions { get; } =
    [
        "1.0", "1:2.30-1+deb12u1", "2.36-9+deb12u10", "1.2.3~rc1-0ubuntu1~22.04", "0~20231014+git", "10:1.0+dfsg1-2.1", "1.0-1", "3.0.11-1~deb12u2",
        "1:9.0.1378-2+deb12u2", "7.88.1-10+deb12u12", "0", "a", "1.0a+b.c~d-e.f+g~h", "2:1.02.185-2", "20230311.0-1", "1:3.3.2-1~exp1",
    ];

    /// <summary>Relation fields worth mutating: alternatives, operators, qualifiers, restrictions, profiles.</summary>
    public static IReadOnlyList<string> Relations { get; } =
    [
        "libc6 (>= 2.36), libssl3 (>= 3.0.0)",
        "foo | bar (<< 2:1.0~rc1-1), baz:any",
        "python3:native (>= 3.11~), perl:any",
        "debhelper-compat (= 13), dh-python <!nocheck>, libfoo-dev [amd64 i386] <!cross> <stage1 !nodoc>",
        "libgcc-s1 [!hurd-i386 !kfreebsd-amd64], gcc-12 (>> 12.2.0-13)",
        "a (= 1), b (<= 2), c (>= 3), d (<< 4), e (>> 5), f (< 6), g (> 7)",
        "x\n y,\n z (>= 1.0)",
    ];

    /// <summary>A control paragraph like the ones dpkg-deb writes.</summary>
    public const string Control =
        "Package: fuzz-sample\nSource: fuzz (1.0-1)\nVersion: 1:2.3-4~bpo1\nArchitecture: amd64\nMaintainer: Fuzz Tests <fuzz@example.invalid>\n" +
        "Installed-Size: 123\nDepends: libc6 (>= 2.36), foo | bar\nSection: utils\nPriority: optional\nMulti-Arch: foreign\n" +
        "Description: a sample\n first line\n .\n second paragraph\n";

    /// <summary>An lz4 frame holding <paramref name="data"/> in one uncompressed block (the format allows it; no encoder needed).</summary>
    public static byte[] Lz4Frame(ReadOnlySpan<byte> data)
    {
        const byte Flags = 0x60; // version 01, independent blocks, no checksums
        const byte BlockMaximum = 0x70; // 4 MiB blocks
        var ms = new MemoryStream();
        ms.Write([0x04, 0x22, 0x4D, 0x18, Flags, BlockMaximum, (byte)(XxHash32([Flags, BlockMaximum]) >> 8)]);
        Span<byte> size = stackalloc byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(size, (uint)data.Length | 0x8000_0000u);
        ms.Write(size);
        ms.Write(data);
        ms.Write([0, 0, 0, 0]);
        return ms.ToArray();
    }

    /// <summary>XXH32 with seed 0 for inputs shorter than 16 bytes (all the lz4 frame header checksum needs).</summary>
    private static uint XxHash32(ReadOnlySpan<byte> input)
    {
        const uint Prime1 = 2654435761u, Prime2 = 2246822519u, Prime3 = 3266489917u, Prime4 = 668265263u, Prime5 = 374761393u;
        var hash = Prime5 + (uint)input.Length;
        var i = 0;
        for (; i + 4 <= input.Length; i += 4)
        {
            hash += System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(input[i..]) * Prime3;
            hash = uint.RotateLeft(hash, 17) * Prime4;
        }

        for (; i < input.Length; i++)
        {
            hash += input[i] * Prime5;
            hash = uint.RotateLeft(hash, 11) * Prime1;
        }

        hash ^= hash >> 15;
        hash *= Prime2;
        hash ^= hash >> 13;
        hash *= Prime3;
        hash ^= hash >> 16;
        return hash;
    }

    private static string ReadHostPackages()
    {
        var source = Directory.Exists(ListsDirectory)
            ? Directory.EnumerateFiles(ListsDirectory, "*_Packages*").Where(f => !f.EndsWith("diff_Index", StringComparison.Ordinal)).OrderBy(f => new FileInfo(f).Length).FirstOrDefault()
            : null;
        if (source is null)
        {
            return FallbackPackages;
        }

        try
        {
            return FirstStanzas(Encoding.UTF8.GetString(IndexCompressionFormats.ReadAllDecoded(source)), 12);
        }
        catch (AptOstreeException)
        {
            return FallbackPackages;
        }
    }

    private static string ReadHostStatus() =>
        File.Exists("/var/lib/dpkg/status") ? FirstStanzas(File.ReadAllText("/var/lib/dpkg/status"), 10) : FallbackStatus;

    private static string? ReadHostInRelease()
    {
        var source = Directory.Exists(ListsDirectory)
            ? Directory.EnumerateFiles(ListsDirectory, "*_InRelease").OrderBy(f => new FileInfo(f).Length).FirstOrDefault()
            : null;
        if (source is null)
        {
            return null;
        }

        var text = File.ReadAllText(source);
        try
        {
            ClearSignedMessage.Parse(text);
            return text;
        }
        catch (AptOstreeException)
        {
            return null;
        }
    }

    private static string FirstStanzas(string text, int count)
    {
        var stanzas = text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Take(count);
        return string.Join("\n\n", stanzas.Select(s => s.Trim('\n'))) + "\n";
    }

    /// <summary>Keeps the Release fields and the first lines of its SHA256 list (other checksum lists dropped).</summary>
    private static string ShortenRelease(string release)
    {
        var kept = new StringBuilder();
        var inList = false;
        var listLines = 0;
        var keepList = false;
        foreach (var line in release.Split('\n'))
        {
            if (line.StartsWith(' '))
            {
                if (inList && keepList && listLines++ < 12)
                {
                    kept.Append(line).Append('\n');
                }

                continue;
            }

            inList = line.EndsWith(':');
            keepList = line == "SHA256:";
            if (!inList || keepList)
            {
                kept.Append(line).Append('\n');
            }
        }

        return kept.ToString().TrimEnd('\n') + "\n";
    }

    private const string FallbackPackages =
        "Package: adduser\nVersion: 3.134\nInstalled-Size: 849\nMaintainer: Debian Adduser Developers <adduser@packages.example.invalid>\nArchitecture: all\nMulti-Arch: foreign\n" +
        "Depends: passwd\nSuggests: liblocale-gettext-perl, perl, cron, quota\nDescription: add and remove users and groups\nTag: admin::user-management, implemented-in::perl\n" +
        "Section: admin\nPriority: important\nFilename: pool/main/a/adduser/adduser_3.134_all.deb\nSize: 244436\n" +
        "SHA256: 4fca3fc8a7b8ef1d1f2dd6e3ba3d2a7c8a0c4d6ff2be8b4e2bb0c1e9a7e2c1d0\n\n" +
        "Package: libc6\nSource: glibc\nVersion: 2.36-9+deb12u10\nInstalled-Size: 12986\nMaintainer: GNU Libc Maintainers <libc@example.invalid>\nArchitecture: amd64\nMulti-Arch: same\n" +
        "Replaces: libc6-amd64\nDepends: libgcc-s1\nRecommends: libidn2-0 (>= 2.0.5~)\nSuggests: glibc-doc, debconf | debconf-2.0, libc-l10n, locales (>= 2.36), libnss-nis, libnss-nisplus\n" +
        "Breaks: aide (<< 0.17.3-4+b3), busybox (<< 1.30.1-6), hurd (<< 1:0.9.git20220301-2), libgcc-s1 (<< 12.1.0-1)\nDescription: GNU C Library: Shared libraries\n" +
        "Section: libs\nPriority: optional\nFilename: pool/main/g/glibc/libc6_2.36-9+deb12u10_amd64.deb\nSize: 2757936\n" +
        "SHA256: 61a3f3bd9d2b8e2f7f0f8c4ac4a7e5e1b9b6d7e5f3c1a2b4c6d8e0f2a4b6c8d0\n\n" +
        "Package: vim\nVersion: 2:9.0.1378-2+deb12u2\nInstalled-Size: 3745\nMaintainer: Debian Vim Maintainers <vim@example.invalid>\nArchitecture: amd64\n" +
        "Provides: editor\nDepends: vim-common (= 2:9.0.1378-2+deb12u2), vim-runtime (= 2:9.0.1378-2+deb12u2), libacl1 (>= 2.2.23), libc6 (>= 2.34), libgpm2 (>= 1.20.7)\n" +
        "Suggests: ctags, vim-doc, vim-scripts\nDescription: Vi IMproved - enhanced vi editor\nSection: editors\nPriority: optional\nFilename: pool/main/v/vim/vim_9.0.1378-2+deb12u2_amd64.deb\n" +
        "Size: 1567504\nSHA256: 0a5ccf2ea2e3b7d7c0f1c1b2f3e4d5c6b7a8a9b0c1d2e3f4a5b6c7d8e9f0a1b2\n";

    private const string FallbackStatus =
        "Package: base-files\nEssential: yes\nStatus: install ok installed\nPriority: required\nSection: admin\nInstalled-Size: 341\nMaintainer: Santiago Vila <sanvila@example.invalid>\n" +
        "Architecture: amd64\nMulti-Arch: foreign\nVersion: 12.4+deb12u11\nReplaces: base, dpkg (<= 1.15.0), miscutils\nProvides: base\nPre-Depends: awk\nBreaks: debian-security-support (<< 2019.04.25)\n" +
        "Conffiles:\n /etc/debian_version 8f4a1e3b8f8a9b6d3c2e1f0a9b8c7d6e\n /etc/dpkg/origins/debian c47b6815f67ad1aeccb0d4529bd0b990\nDescription: Debian base system miscellaneous files\n\n" +
        "Package: hello\nStatus: hold ok unpacked\nPriority: optional\nSection: devel\nInstalled-Size: 280\nMaintainer: Santiago Vila <sanvila@example.invalid>\nArchitecture: amd64\nVersion: 2.10-3\n" +
        "Depends: libc6 (>= 2.34)\nDescription: example package based on GNU hello\n\n" +
        "Package: removed-one\nStatus: deinstall ok config-files\nPriority: optional\nSection: misc\nArchitecture: all\nVersion: 1.0\nDescription: gone\n";

    private const string FallbackRelease =
        "Origin: Debian\nLabel: Debian\nSuite: oldstable\nVersion: 12.12\nCodename: bookworm\nChangelogs: file:/srv/changelogs/@CHANGEPATH@_changelog\n" +
        "Date: Sat, 06 Sep 2025 10:10:29 UTC\nValid-Until: Sat, 13 Sep 2025 10:10:29 UTC\nAcquire-By-Hash: yes\nNo-Support-for-Architecture-all: Packages\n" +
        "Architectures: all amd64 arm64\nComponents: main contrib non-free-firmware non-free\nDescription: Debian 12.12 Released 06 September 2025\nSHA256:\n" +
        " 0ff2b2a3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f   738242 contrib/Contents-all\n" +
        " e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855        0 main/binary-amd64/Packages\n" +
        " 1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f809  8788323 main/binary-amd64/Packages.xz\n";

    private const string FallbackSignature =
        "-----BEGIN PGP SIGNATURE-----\n\niQIzBAEBCAAdFiEEuOXxMXbSp6dSIAKAeNujvEfvImUFAmsGQ+kACgkQeNujvEfvImVj5hAAhsp0pXHtQnZXzZRT3H4JX0LJf3aN9iWG4J/4Ge3eBFQpRjidiolMy37aEQ/H/Z9VFsEozg==\n=HCV/\n-----END PGP SIGNATURE-----\n";

    private const string FallbackSources =
        "Types: deb deb-src\nURIs: file:/srv/mirror/debian\nSuites: bookworm bookworm-updates\nComponents: main contrib\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n\n" +
        "Types: deb\nURIs: file:/srv/mirror/debian-security\nSuites: bookworm-security\nComponents: main\nArchitectures: amd64 i386\nEnabled: yes\n";
}
