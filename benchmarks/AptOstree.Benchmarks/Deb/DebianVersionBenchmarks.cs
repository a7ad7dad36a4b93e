using AptOstree.Deb;
using BenchmarkDotNet.Attributes;

namespace AptOstree.Benchmarks.Deb;

/// <summary>Debian version parsing and comparison on the distinct versions of the host's Packages index.</summary>
[MemoryDiagnoser]
public class DebianVersionBenchmarks
{
    private const int Pairs = 4096;
    private DebianVersion[] _left = [];
    private DebianVersion[] _right = [];
    private string[] _leftText = [];
    private string[] _rightText = [];

    [GlobalSetup]
    public void Setup()
    {
        var versions = new HashSet<string>(StringComparer.Ordinal);
        using (var reader = new Deb822Reader(File.OpenRead(Deb822Benchmarks.LocatePackagesIndex())))
        {
            foreach (var p in reader.ReadAll())
            {
                versions.Add(p.GetRequiredValue("Version"));
            }
        }

        var all = versions.Order(StringComparer.Ordinal).ToArray();
        var random = new Random(42);
        _leftText = new string[Pairs];
        _rightText = new string[Pairs];
        for (var i = 0; i < Pairs; i++)
        {
            // Half neighbours (similar strings, the expensive case), half random pairs.
            var j = random.Next(all.Length - 1);
            _leftText[i] = all[j];
            _rightText[i] = i % 2 == 0 ? all[j + 1] : all[random.Next(all.Length)];
        }

        _left = _leftText.Select(DebianVersion.Parse).ToArray();
        _right = _rightText.Select(DebianVersion.Parse).ToArray();
    }

    /// <summary>Compares pre-parsed versions (what a solver does).</summary>
    [Benchmark(OperationsPerInvoke = Pairs)]
    public int CompareParsed()
    {
        var sum = 0;
        for (var i = 0; i < Pairs; i++)
        {
            sum += _left[i].CompareTo(_right[i]);
        }

        return sum;
    }

    /// <summary>Compares version strings without allocating (<see cref="DebianVersion.Compare(string, string)"/>).</summary>
    [Benchmark(OperationsPerInvoke = Pairs)]
    public int CompareStrings()
    {
        var sum = 0;
        for (var i = 0; i < Pairs; i++)
        {
            sum += DebianVersion.Compare(_leftText[i], _rightText[i]);
        }

        return sum;
    }

    /// <summary>Parses version strings.</summary>
    [Benchmark(OperationsPerInvoke = Pairs)]
    public int Parse()
    {
        var sum = 0;
        for (var i = 0; i < Pairs; i++)
        {
            sum += DebianVersion.Parse(_leftText[i]).Epoch;
        }

        return sum;
    }
}
