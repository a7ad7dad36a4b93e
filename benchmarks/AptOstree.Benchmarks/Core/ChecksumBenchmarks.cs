using BenchmarkDotNet.Attributes;

namespace AptOstree.Benchmarks.Core;

/// <summary>SHA-256 throughput and hex formatting/parsing of checksums (object names are hashed and printed constantly).</summary>
[MemoryDiagnoser]
public class ChecksumBenchmarks
{
    private readonly byte[] _megabyte = new byte[1 << 20];
    private string _hex = "";
    private Checksum _checksum;

    [GlobalSetup]
    public void Setup()
    {
        new Random(42).NextBytes(_megabyte);
        _checksum = Checksum.Compute(_megabyte);
        _hex = _checksum.ToString();
    }

    [Benchmark]
    public Checksum HashOneMegabyte() => Checksum.Compute(_megabyte);

    [Benchmark]
    public string FormatHex() => _checksum.ToString();

    [Benchmark]
    public Checksum ParseHex() => Checksum.Parse(_hex);
}
