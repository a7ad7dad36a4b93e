using System.Globalization;
using System.Text;
using AptOstree.Deb.Tests.Archive;
using Xunit.Abstractions;

namespace AptOstree.Deb.Tests.Fuzz;

/// <summary>
/// Mutation fuzzing of the .deb readers (ar reader, member order rules, control archive, data member through every
/// codec, seekable and forward-only): mutated packages must open or fail with our exception, never anything else.
/// </summary>
public sealed class DebArchiveFuzzTests(ITestOutputHelper output)
{
    public static TheoryData<string, int> Samples => new()
    {
        { "gzip", 101 },
        { "xz", 102 },
        { "zstd", 103 },
        { "none", 104 },
        { "bzip2", 105 },
        { "xz-multi-block", 106 },
    };

    [Theory]
    [MemberData(nameof(Samples))]
    public void Random_byte_mutations_of_a_deb(string sample, int seed)
    {
        var deb = Sample(sample);
        var random = new Random(seed);
        FuzzHarness.Run(output, $"deb bytes ({sample}, seed {seed})", Cases(), c =>
        {
            FuzzTargets.ReadDeb(c.Input, seekable: true);
            FuzzTargets.ReadDeb(c.Input, seekable: false);
        });

        IEnumerable<FuzzCase> Cases()
        {
            for (var i = 0; i < 150 * FuzzHarness.Scale; i++)
            {
                var m = ByteMutator.Mutate(random, deb);
                yield return new FuzzCase($"#{i}: {m.Description}", m.Data);
            }
        }
    }

    [Fact]
    public void Every_truncation_of_a_small_deb()
    {
        var deb = Sample("gzip");
        FuzzHarness.Run(output, $"deb truncated ({deb.Length} bytes)", Cases(), c =>
        {
            FuzzTargets.ReadDeb(c.Input, seekable: true);
            FuzzTargets.ReadAr(c.Input, useAsync: c.Input.Length % 2 == 0);
        });

        IEnumerable<FuzzCase> Cases()
        {
            for (var length = 0; length < deb.Length; length++)
            {
                yield return new FuzzCase($"truncated to {length}", deb[..length]);
            }
        }
    }

    [Theory]
    [InlineData(201)]
    [InlineData(202)]
    public void Corrupt_ar_header_fields(int seed)
    {
        var deb = Sample(seed % 2 == 0 ? "xz" : "gzip");
        var headers = ArHeaderOffsets(deb);
        var random = new Random(seed);
        FuzzHarness.Run(output, $"ar header fields (seed {seed})", Cases(), c =>
        {
            FuzzTargets.ReadDeb(c.Input, seekable: true);
            FuzzTargets.ReadDeb(c.Input, seekable: false);
            FuzzTargets.ReadDebMembers(c.Input);
            FuzzTargets.ReadAr(c.Input, useAsync: false);
            FuzzTargets.ReadAr(c.Input, useAsync: true);
        });

        IEnumerable<FuzzCase> Cases()
        {
            for (var i = 0; i < 250 * FuzzHarness.Scale; i++)
            {
                var m = MutateArHeader(random, deb, headers);
                yield return new FuzzCase($"#{i}: {m.Description}", m.Data);
            }
        }
    }

    [Theory]
    [InlineData(DebCompression.Gzip, 301)]
    [InlineData(DebCompression.Xz, 302)]
    [InlineData(DebCompression.Zstd, 303)]
    public void Corrupt_compressed_members_inside_a_valid_ar(DebCompression compression, int seed)
    {
        var deb = FuzzInputs.Deb(compression, compression);
        var control = FuzzInputs.MemberOf(deb, "control.tar");
        var data = FuzzInputs.MemberOf(deb, "data.tar");
        var suffix = DebCompressionNames.GetSuffix(compression);
        var random = new Random(seed);
        FuzzHarness.Run(output, $"compressed members ({compression}, seed {seed})", Cases(), c =>
        {
            FuzzTargets.ReadDeb(c.Input, seekable: true);
            FuzzTargets.ReadDeb(c.Input, seekable: false);
        });

        IEnumerable<FuzzCase> Cases()
        {
            for (var i = 0; i < 120 * FuzzHarness.Scale; i++)
            {
                var inControl = random.Next(3) == 0;
                var m = random.Next(4) == 0
                    ? new Mutation((inControl ? control : data)[..random.Next((inControl ? control : data).Length)], "truncated")
                    : ByteMutator.Mutate(random, inControl ? control : data);
                var rebuilt = RawDeb.Ar(
                    ("debian-binary", "2.0\n"u8.ToArray()),
                    ("control.tar" + suffix, inControl ? m.Data : control),
                    ("data.tar" + suffix, inControl ? data : m.Data));
                yield return new FuzzCase($"#{i}: {(inControl ? "control" : "data")} member: {m.Description}", rebuilt);
            }
        }
    }

    [Fact]
    public void Control_tar_header_mutations_inside_a_valid_deb()
    {
        var control = FuzzInputs.ControlTar();
        var headers = TarHeaderMutator.HeaderOffsets(control);
        var data = FuzzInputs.MemberOf(FuzzInputs.Deb(DebCompression.Gzip), "data.tar");
        var random = new Random(311);
        FuzzHarness.Run(output, "control.tar headers", Cases(), c => FuzzTargets.ReadDeb(c.Input, seekable: true));

        IEnumerable<FuzzCase> Cases()
        {
            for (var i = 0; i < 300 * FuzzHarness.Scale; i++)
            {
                var m = TarHeaderMutator.Mutate(random, control, headers);
                var deb = RawDeb.Ar(("debian-binary", "2.0\n"u8.ToArray()), ("control.tar", m.Data), ("data.tar.gz", data));
                yield return new FuzzCase($"#{i}: {m.Description}", deb);
            }
        }
    }

    internal static byte[] Sample(string name) => name switch
    {
        "gzip" => FuzzInputs.Deb(DebCompression.Gzip),
        "xz" => FuzzInputs.Deb(DebCompression.Xz, DebCompression.Xz),
        "zstd" => FuzzInputs.Deb(DebCompression.Zstd, DebCompression.Zstd),
        "none" => FuzzInputs.Deb(DebCompression.None, DebCompression.None),
        "bzip2" => FuzzInputs.DebWithBzip2Data(),
        "xz-multi-block" => FuzzInputs.DebWithMultiBlockXz(),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    private static List<int> ArHeaderOffsets(byte[] ar)
    {
        var offsets = new List<int>();
        var at = 8;
        while (at + 60 <= ar.Length)
        {
            offsets.Add(at);
            var size = int.Parse(Encoding.ASCII.GetString(ar, at + 48, 10).Trim(), CultureInfo.InvariantCulture);
            at += 60 + size + (size & 1);
        }

        return offsets;
    }

    private static readonly string[] MemberNames =
    [
        "debian-binary", "control.tar", "control.tar.gz", "control.tar.xz", "control.tar.zst", "control.tar.bz2", "control.tar.lzma", "control.tar.foo",
        "data.tar", "data.tar.gz", "data.tar.xz", "data.tar.zst", "data.tar.bz2", "data.tar.lzma", "data.tar.", "data.tarx", "_gpgorigin", "/", "//", "", "debian-binary/",
    ];

    private static readonly string[] Numbers =
    [
        "0", "1", "-1", "9999999999", "4294967296", "2147483647", "2147483648", " 12", "12 x", "1e3", "0x10", "+5", "00000000000000", "777777777777",
    ];

    private static Mutation MutateArHeader(Random random, byte[] deb, List<int> headers)
    {
        var data = (byte[])deb.Clone();
        if (random.Next(20) == 0)
        {
            var magic = random.Next(8);
            data[magic] ^= (byte)(1 << random.Next(8));
            return new Mutation(data, $"global magic byte {magic} flipped");
        }

        var header = headers[random.Next(headers.Count)];
        (string Name, int Offset, int Length)[] fields = [("name", 0, 16), ("date", 16, 12), ("uid", 28, 6), ("gid", 34, 6), ("mode", 40, 8), ("size", 48, 10), ("end", 58, 2)];
        var (name, offset, length) = fields[random.Next(fields.Length)];
        string value;
        if (name == "size" && random.Next(3) == 0)
        {
            var size = int.Parse(Encoding.ASCII.GetString(data, header + 48, 10).Trim(), CultureInfo.InvariantCulture);
            value = (size + random.Next(-3, 4)).ToString(CultureInfo.InvariantCulture);
        }
        else
        {
            value = name switch
            {
                "name" => MemberNames[random.Next(MemberNames.Length)],
                "end" => random.Next(2) == 0 ? "\n`" : "``",
                _ => random.Next(4) == 0 ? Encoding.Latin1.GetString([(byte)random.Next(256)]) : Numbers[random.Next(Numbers.Length)],
            };
        }

        var field = data.AsSpan(header + offset, length);
        field.Fill((byte)' ');
        Encoding.Latin1.GetBytes(value[..Math.Min(value.Length, length)]).CopyTo(field);
        return new Mutation(data, $"member header at {header}: {name} = '{value}'");
    }
}
