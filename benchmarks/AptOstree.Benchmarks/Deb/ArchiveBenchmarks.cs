using AptOstree.Deb;
using BenchmarkDotNet.Attributes;

namespace AptOstree.Benchmarks.Deb;

/// <summary>
/// Hot paths of the .deb format layer on a synthetic package (built in memory, no network): opening (ar + control),
/// walking data entries (decompression + tar), and extraction to disk, for xz (native and managed) and zstd.
/// </summary>
[MemoryDiagnoser]
public class ArchiveBenchmarks
{
    private byte[] _deb = [];
    private string _target = "";

    [Params(DebCompression.Xz, DebCompression.Zstd)]
    public DebCompression Compression { get; set; }

    [Params(false, true)]
    public bool ManagedXz { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        var builder = new DebBuilder { Compression = Compression, Timestamp = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000) }
            .SetControl("Package: bench\nVersion: 1\nArchitecture: all\nMaintainer: B <b@example.invalid>\nDescription: bench\n");
        for (var i = 0; i < 2000; i++)
        {
            var content = new byte[random.Next(100, 40_000)];
            for (var j = 0; j < content.Length; j++)
            {
                content[j] = (byte)('a' + random.Next(8));
            }

            builder.AddFile($"usr/share/bench/{i % 50:D2}/file-{i:D5}", content);
        }

        var ms = new MemoryStream();
        builder.Build(ms);
        _deb = ms.ToArray();
        _target = Directory.CreateTempSubdirectory("aptostree-bench-").FullName;
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_target, recursive: true);

    [Benchmark]
    public int OpenAndReadControl()
    {
        using var pkg = DebPackage.Open(new MemoryStream(_deb));
        return pkg.Control.Files.Count;
    }

    [Benchmark]
    public long ReadAllDataEntries()
    {
        LibLzmaSwitch(ManagedXz);
        using var pkg = DebPackage.Open(new MemoryStream(_deb));
        using var reader = pkg.OpenData();
        long total = 0;
        var buffer = new byte[1 << 16];
        while (reader.GetNextEntry() is not null)
        {
            if (reader.DataStream is { } s)
            {
                int n;
                while ((n = s.Read(buffer)) > 0)
                {
                    total += n;
                }
            }
        }

        return total;
    }

    [Benchmark]
    public long ExtractToDirectory()
    {
        LibLzmaSwitch(ManagedXz);
        var dir = Path.Combine(_target, Guid.NewGuid().ToString("N"));
        using var pkg = DebPackage.Open(new MemoryStream(_deb));
        var result = pkg.ExtractTo(dir);
        Directory.Delete(dir, recursive: true);
        return result.Bytes;
    }

    private static void LibLzmaSwitch(bool managed) => LibLzma.ForceManaged = managed;
}
