using System.Diagnostics;
using AptOstree.Deb;
using BenchmarkDotNet.Attributes;

namespace AptOstree.Benchmarks.Deb;

/// <summary>
/// Decoding a multi-block xz file (48 MiB of tar-like data, 8 MiB blocks, written by <c>xz -T2</c>): liblzma's
/// single-threaded stream decoder, its multi-threaded stream decoder (whole blocks buffered per thread), and our
/// parallel block decoder with different decode-ahead budgets. Output goes nowhere; only decoding is measured.
/// </summary>
public class XzBlockDecoderBenchmarks
{
    private const int BlockSize = 8 << 20;
    private byte[] _xz = [];
    private List<XzBlock> _blocks = [];

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        var data = new byte[48 << 20];
        var words = "usr/lib/x86_64-linux-gnu/\0\0\0\0ELF libxul.so firefox-esr 0123456789abcdef"u8.ToArray();
        for (var i = 0; i < data.Length; i++)
        {
            data[i] = random.Next(3) == 0 ? (byte)random.Next(256) : words[(i * 7 + random.Next(5)) % words.Length];
        }

        var psi = new ProcessStartInfo("xz", ["-c", "-6", "-T2", $"--block-size={BlockSize}"]) { RedirectStandardInput = true, RedirectStandardOutput = true };
        using var xz = Process.Start(psi)!;
        var output = new MemoryStream();
        var copy = xz.StandardOutput.BaseStream.CopyToAsync(output);
        xz.StandardInput.BaseStream.Write(data);
        xz.StandardInput.Close();
        copy.Wait();
        xz.WaitForExit();
        _xz = output.ToArray();
        _blocks = XzIndexReader.Read(RandomAccessSource.Create(new MemoryStream(_xz), 0, _xz.Length))!;
    }

    [Benchmark(Baseline = true)]
    public long LibLzmaSingleThread() => Drain(LzmaNativeStream.CreateDecoder(new MemoryStream(_xz), leaveOpen: false, alone: false, threads: 1, 0));

    [Benchmark]
    public long LibLzmaMultiThreaded() => Drain(LzmaNativeStream.CreateDecoder(new MemoryStream(_xz), leaveOpen: false, alone: false, threads: 2, ulong.MaxValue));

    [Benchmark]
    [Arguments(0L)]
    [Arguments(4L << 20)]
    [Arguments(16L << 20)]
    public long ParallelBlocks(long aheadBytes) =>
        Drain(new ParallelXzDecoderStream(RandomAccessSource.Create(new MemoryStream(_xz), 0, _xz.Length), _blocks, 2, aheadBytes));

    private static long Drain(Stream stream)
    {
        using (stream)
        {
            var buffer = new byte[1 << 18];
            long total = 0;
            int n;
            while ((n = stream.Read(buffer)) > 0)
            {
                total += n;
            }

            return total;
        }
    }
}
