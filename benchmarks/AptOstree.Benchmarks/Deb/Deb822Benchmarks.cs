using System.Diagnostics;
using AptOstree.Deb;
using BenchmarkDotNet.Attributes;

namespace AptOstree.Benchmarks.Deb;

/// <summary>
/// deb822 parsing of the host's full Packages index (bookworm main amd64: ~63,000 stanzas, ~50 MB). The index is
/// decompressed once with apt's <c>apt-helper cat-file</c>; set APTOSTREE_BENCH_PACKAGES to use another file.
/// </summary>
[MemoryDiagnoser]
public class Deb822Benchmarks
{
    private byte[] _index = [];
    private string _path = "";

    [GlobalSetup]
    public void Setup()
    {
        _path = LocatePackagesIndex();
        _index = File.ReadAllBytes(_path);
    }

    /// <summary>Parses every stanza from memory (no disk I/O in the measurement).</summary>
    [Benchmark]
    public int ParseFullIndexFromMemory()
    {
        using var reader = new Deb822Reader(new MemoryStream(_index, writable: false));
        var count = 0;
        while (reader.Read() is not null)
        {
            count++;
        }

        return count;
    }

    /// <summary>Parses every stanza from the file and looks up three fields in each (what an index loader does).</summary>
    [Benchmark]
    public int ParseFullIndexFromFileWithLookups()
    {
        using var reader = new Deb822Reader(File.OpenRead(_path));
        var count = 0;
        while (reader.Read() is { } p)
        {
            if (p.TryGetValueMemory("Package", out _) && p.TryGetValueMemory("Version", out _) && p.TryGetValueMemory("Depends", out _))
            {
                count++;
            }
        }

        return count;
    }

    /// <summary>The uncompressed Packages index to benchmark with, decompressing the host's lz4 index on first use.</summary>
    public static string LocatePackagesIndex()
    {
        var configured = Environment.GetEnvironmentVariable("APTOSTREE_BENCH_PACKAGES");
        if (!string.IsNullOrEmpty(configured))
        {
            return configured;
        }

        var source = Directory.EnumerateFiles("/var/lib/apt/lists", "*_main_binary-amd64_Packages*")
            .OrderByDescending(f => new FileInfo(f).Length)
            .FirstOrDefault() ?? throw new InvalidOperationException("No main/binary-amd64 Packages index in /var/lib/apt/lists; run apt-get update.");
        var target = Path.Combine(Path.GetTempPath(), "aptostree-bench-" + Path.GetFileName(source) + ".txt");
        if (!File.Exists(target))
        {
            var psi = new ProcessStartInfo("sh") { UseShellExecute = false };
            foreach (var a in new[] { "-c", "/usr/lib/apt/apt-helper cat-file \"$1\" > \"$2\"", "sh", source, target })
            {
                psi.ArgumentList.Add(a);
            }

            using var process = Process.Start(psi)!;
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"apt-helper cat-file {source} failed");
            }
        }

        return target;
    }
}
