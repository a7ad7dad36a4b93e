using System.Diagnostics;
using System.Text;

namespace AptOstree.OSTree.Tests.Fuzz;

/// <summary>
/// Collects what a fuzz run found: every exception that is not ours (<see cref="AptOstreeException"/> or a subclass)
/// and every call that took too long, with the input that caused it, and fails the test with the first few.
/// </summary>
internal sealed class FuzzFindings
{
    private const int Shown = 8;
    /// <summary>
    /// Wall-clock time, so generous: CI runs five test projects at once on two cores, where a call that takes
    /// milliseconds alone can wait seconds for a core (the Deb fuzz harness allows 20 s per case too).
    /// </summary>
    private static readonly TimeSpan SlowCall = TimeSpan.FromSeconds(20);
    private readonly List<(string Kind, string Text)> _findings = [];
    private readonly Dictionary<string, int> _ourErrors = new(StringComparer.Ordinal);

    /// <summary>Calls that ran (successful or with our exception).</summary>
    public int Calls { get; private set; }

    /// <summary>Calls that ended with our exception, by error code.</summary>
    public IReadOnlyDictionary<string, int> OurErrors => _ourErrors;

    /// <summary>Runs <paramref name="call"/>; success and our exceptions are fine, anything else is a finding.</summary>
    /// <returns>True when the call succeeded.</returns>
    public bool Run(string what, Mutant input, Action call)
    {
        Calls++;
        var watch = Stopwatch.StartNew();
        try
        {
            call();
            return true;
        }
        catch (AptOstreeException ex)
        {
            _ourErrors[ex.ErrorCode] = _ourErrors.GetValueOrDefault(ex.ErrorCode) + 1;
            return false;
        }
        catch (Exception ex)
        {
            string kind = $"{what}: {ex.GetType().Name}: {new string(ex.Message.Where(c => !char.IsAsciiDigit(c)).Take(80).ToArray())}";
            _findings.Add((kind, $"{what} [{input.Description}] threw {ex.GetType().Name}: {ex.Message}\n  input (hex): {Hex(input.Data)}\n  {ex.StackTrace?.Split('\n').FirstOrDefault()?.Trim()}"));
            return false;
        }
        finally
        {
            if (watch.Elapsed > SlowCall)
            {
                _findings.Add((what + ": slow", $"{what} [{input.Description}] took {watch.Elapsed.TotalSeconds:F1} s\n  input (hex): {Hex(input.Data)}"));
            }
        }
    }

    /// <summary>How many calls ran and how the refused ones were refused, for the test output.</summary>
    public string Summary =>
        $"{Calls} calls, {Calls - _ourErrors.Values.Sum()} succeeded, refused with our errors: {string.Join(", ", _ourErrors.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => $"{e.Key} x{e.Value}"))}";

    /// <summary>Records a broken expectation that is not an exception (e.g. a file written outside the checkout).</summary>
    public void Add(string what, Mutant input, string problem) =>
        _findings.Add((what + ": " + problem, $"{what} [{input.Description}]: {problem}\n  input (hex): {Hex(input.Data)}"));

    /// <summary>Fails with the first finding of each kind (call, exception type, message start), if any.</summary>
    public void AssertNone()
    {
        if (_findings.Count == 0)
        {
            return;
        }

        var kinds = _findings.GroupBy(f => f.Kind, StringComparer.Ordinal).ToList();
        var sb = new StringBuilder($"{_findings.Count} of {Calls} calls went wrong, {kinds.Count} kinds; the first of each (up to {Shown}):\n");
        foreach (var kind in kinds.Take(Shown))
        {
            sb.AppendLine($"({kind.Count()}x) {kind.First().Text}");
        }

        Assert.Fail(sb.ToString());
    }

    /// <summary>Runs <paramref name="body"/> on its own thread and fails when it has not finished in <paramref name="limit"/> (an endless loop).</summary>
    public static void WithinTime(TimeSpan limit, Action body)
    {
        var task = Task.Factory.StartNew(body, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        if (Task.WaitAny([task], limit) < 0)
        {
            Assert.Fail($"the fuzz run did not finish in {limit.TotalSeconds} s (an endless loop?)");
        }

        task.GetAwaiter().GetResult();
    }

    private static string Hex(byte[] data) =>
        data.Length <= 512 ? Convert.ToHexString(data) : Convert.ToHexString(data.AsSpan(0, 512)) + $"… ({data.Length} bytes)";
}
