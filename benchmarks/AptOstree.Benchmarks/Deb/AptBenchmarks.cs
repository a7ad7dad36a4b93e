using System.Diagnostics;
using AptOstree.Deb.Apt;
using AptOstree.Deb.Solver;
using BenchmarkDotNet.Attributes;

namespace AptOstree.Benchmarks.Deb;

/// <summary>
/// Solver-side loading on the host's real data: the largest Packages index of /var/lib/apt/lists (bookworm main,
/// lz4) decoded, scanned into records (byte scanner vs the generic deb822 path), turned into a universe, and an
/// EDSP scenario dumped by apt itself (<c>apt-get --solver dump install task-gnome-desktop</c>, empty status) read.
/// Needs apt lists (apt-get update); the side-by-side comparison with APT is eng/bench/solver-vs-apt.sh.
/// </summary>
[MemoryDiagnoser]
public class AptBenchmarks
{
    private string _index = "";
    private ReadOnlyMemory<byte> _decoded;
    private List<UniversePackage> _packages = [];
    private byte[] _scenario = [];

    [GlobalSetup]
    public void Setup()
    {
        _index = AptListsDirectory.FindPackagesIndexes().OrderByDescending(p => new FileInfo(p).Length).FirstOrDefault()
            ?? throw new InvalidOperationException("No Packages index in /var/lib/apt/lists; run apt-get update.");
        _decoded = IndexCompressionFormats.ReadAllDecodedMemory(_index, IndexCompressionFormats.FromFileName(_index));
        _packages = PackageStanzaScanner.ReadAll(_decoded, null, _index);
        _scenario = DumpScenario("task-gnome-desktop");
    }

    [Benchmark]
    public int DecodeIndex() => IndexCompressionFormats.ReadAllDecodedMemory(_index, IndexCompressionFormats.FromFileName(_index)).Length;

    [Benchmark]
    public int ScanIndex() => PackageStanzaScanner.ReadAll(_decoded, null, _index).Count;

    [Benchmark(Baseline = true)]
    public int ScanIndexDeb822() => PackagesIndexReader.Read(new MemoryStream(_decoded.ToArray(), writable: false), null, _index).Count();

    [Benchmark]
    public int CreateUniverse() => PackageUniverse.Create(_packages, "amd64").Packages.Count;

    [Benchmark]
    public int LoadHostLists() => AptListsDirectory.LoadUniverse(statusFile: null).Packages.Count;

    [Benchmark]
    public int ReadEdspScenario() => EdspScenario.Read(new MemoryStream(_scenario, writable: false)).Universe.Packages.Count;

    private static byte[] DumpScenario(string package)
    {
        string dir = Directory.CreateTempSubdirectory("aptostree-edsp-").FullName;
        try
        {
            string status = Path.Combine(dir, "status");
            string dump = Path.Combine(dir, "scenario.edsp");
            File.WriteAllText(status, "");
            var start = new ProcessStartInfo("apt-get", ["-s", "-q", "--solver", "dump", "-o", "Dir::State::status=" + status, "-o", "Debug::NoLocking=1", "-o", "APT::Solver::RunAsUser=root", "install", package])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            start.Environment["APT_EDSP_DUMP_FILENAME"] = dump;
            using var process = Process.Start(start)!;
            process.StandardOutput.ReadToEnd();
            process.StandardError.ReadToEnd();
            process.WaitForExit();
            return File.Exists(dump) ? File.ReadAllBytes(dump) : throw new InvalidOperationException("apt-get --solver dump wrote no scenario.");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
