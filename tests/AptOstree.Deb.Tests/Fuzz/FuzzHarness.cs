using System.Diagnostics;
using System.Globalization;
using System.Text;
using Xunit.Abstractions;

namespace AptOstree.Deb.Tests.Fuzz;

/// <summary>
/// Runs fuzz cases and enforces the contract for bad input: a case may succeed or throw an
/// <see cref="AptOstreeException"/> (or a subclass); any other exception, a case that allocates more than
/// <see cref="MaxAllocationPerCase"/> on its thread (a length field taken at its word), or a case that runs longer than
/// <see cref="CaseTimeout"/> (an endless loop) is a finding. The cases run on their own thread so a hung case can be
/// reported instead of hanging the test run.
/// </summary>
internal static class FuzzHarness
{
    /// <summary>The inputs are at most a few hundred KiB; a case allocating more than this trusted a length field.</summary>
    public const long MaxAllocationPerCase = 256L << 20;

    /// <summary>A case (not the whole run) taking longer than this counts as an endless loop, even on a loaded machine.</summary>
    public static readonly TimeSpan CaseTimeout = TimeSpan.FromSeconds(20);

    /// <summary>
    /// Multiplies the iteration counts (environment variable <c>APTOSTREE_FUZZ_SCALE</c>, default 1) for longer runs by
    /// hand; the seeds stay the same, so a longer run replays every case of a shorter one first.
    /// </summary>
    public static int Scale { get; } = int.TryParse(Environment.GetEnvironmentVariable("APTOSTREE_FUZZ_SCALE"), out var scale) && scale > 0 ? scale : 1;

    /// <summary>Runs <paramref name="body"/> on every case and fails with the distinct findings, if any.</summary>
    /// <param name="output">Where the summary line goes.</param>
    /// <param name="target">What is fuzzed, for messages.</param>
    /// <param name="cases">The cases, produced lazily on the fuzz thread.</param>
    /// <param name="body">Feeds one case to the code under test.</param>
    public static void Run(ITestOutputHelper output, string target, IEnumerable<FuzzCase> cases, Action<FuzzCase> body)
    {
        var findings = new List<Finding>();
        FuzzCase? current = null;
        long currentStarted = 0;
        var count = 0;
        var refused = 0;
        Exception? harnessError = null;
        var stopwatch = Stopwatch.StartNew();
        var thread = new Thread(() =>
        {
            try
            {
                foreach (var fuzzCase in cases)
                {
                    Volatile.Write(ref current, fuzzCase);
                    Volatile.Write(ref currentStarted, Stopwatch.GetTimestamp());
                    count++;
                    var before = GC.GetAllocatedBytesForCurrentThread();
                    try
                    {
                        body(fuzzCase);
                    }
                    catch (AptOstreeException)
                    {
                        refused++;
                    }
                    catch (Exception ex)
                    {
                        findings.Add(new Finding(fuzzCase, ex.GetType().FullName + " at " + FirstFrame(ex), ex.ToString()));
                    }

                    var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
                    if (allocated > MaxAllocationPerCase)
                    {
                        findings.Add(new Finding(fuzzCase, "huge allocation", $"allocated {allocated} bytes for an input of {fuzzCase.Input.Length} bytes"));
                    }
                }
            }
            catch (Exception ex)
            {
                harnessError = ex;
            }
        })
        {
            IsBackground = true,
            Name = "fuzz " + target,
        };
        thread.Start();
        while (!thread.Join(100))
        {
            var started = Volatile.Read(ref currentStarted);
            if (started != 0 && Stopwatch.GetElapsedTime(started) > CaseTimeout)
            {
                var hung = Volatile.Read(ref current)!;
                Assert.Fail($"{target}: case '{hung.Name}' did not finish within {CaseTimeout.TotalSeconds} s (endless loop?).\n{Describe(hung)}");
            }
        }

        if (harnessError is not null)
        {
            throw new InvalidOperationException($"{target}: the case generator failed after {count} cases.", harnessError);
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{target}: {count} cases ({count - refused - findings.Count} accepted, {refused} refused with our exception), {findings.Count} findings, {stopwatch.Elapsed.TotalSeconds:F2} s"));
        if (findings.Count == 0)
        {
            return;
        }

        var message = new StringBuilder();
        message.Append(CultureInfo.InvariantCulture, $"{target}: {findings.Count} of {count} cases broke the error contract. Distinct findings:\n");
        foreach (var group in findings.GroupBy(f => f.Key).Take(8))
        {
            var first = group.First();
            message.Append(CultureInfo.InvariantCulture, $"\n== {group.Key} ({group.Count()} cases), first: {first.Case.Name}\n{Describe(first.Case)}\n{first.Detail}\n");
        }

        Assert.Fail(message.ToString());
    }

    private static string Describe(FuzzCase fuzzCase) =>
        fuzzCase.Input.Length <= 4096
            ? $"input (base64, {fuzzCase.Input.Length} bytes): {Convert.ToBase64String(fuzzCase.Input)}"
            : $"input: {fuzzCase.Input.Length} bytes";

    private static string FirstFrame(Exception ex)
    {
        var frames = new StackTrace(ex, fNeedFileInfo: false).GetFrames();
        var ours = frames.FirstOrDefault(f => f.GetMethod()?.DeclaringType?.Namespace?.StartsWith("AptOstree", StringComparison.Ordinal) == true) ?? frames.FirstOrDefault();
        var method = ours?.GetMethod();
        return method is null ? "?" : $"{method.DeclaringType?.Name}.{method.Name}";
    }

    private sealed record Finding(FuzzCase Case, string Key, string Detail);
}

/// <summary>One fuzz input: a name saying how it was made (seed, iteration, mutations) and its bytes.</summary>
internal sealed record FuzzCase(string Name, byte[] Input);
