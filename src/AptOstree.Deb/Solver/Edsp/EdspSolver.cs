using System.Globalization;
using System.Text;

namespace AptOstree.Deb.Solver;

/// <summary>Runs the solver on an EDSP scenario and writes the EDSP answer (progress, then a solution or an Error stanza).</summary>
public static class EdspSolver
{
    /// <summary>Reads a scenario from <paramref name="input"/> and writes the answer to <paramref name="output"/>. Never throws for a bad scenario or an unsolvable request: those become an <c>Error:</c> stanza.</summary>
    /// <param name="input">The scenario (stdin).</param>
    /// <param name="output">Where the answer goes (stdout).</param>
    /// <param name="installRecommends">Follow Recommends (EDSP does not carry apt's <c>--no-install-recommends</c>).</param>
    /// <param name="now">The time stamp of progress stanzas.</param>
    public static void Run(Stream input, Stream output, bool installRecommends = true, DateTimeOffset? now = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        using var writer = new StreamWriter(output, new UTF8Encoding(false), 1 << 16, leaveOpen: true) { NewLine = "\n" };
        string stamp = (now ?? DateTimeOffset.UtcNow).ToString("ddd, dd MMM yyyy HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);
        Progress(writer, stamp, 0, "Start up solver…");
        try
        {
            var scenario = EdspScenario.Read(input, installRecommends);
            Progress(writer, stamp, 50, "Read scenario…");
            var solution = new DependencySolver(scenario.Universe).Solve(scenario.Request);
            Progress(writer, stamp, 100, "Solution found");
            foreach (var p in solution.Install)
            {
                writer.WriteLine($"Install: {p.AptId}");
                writer.WriteLine($"Package: {p.Name}");
                writer.WriteLine($"Version: {p.Version}");
                writer.WriteLine($"Architecture: {p.Architecture}");
                writer.WriteLine();
            }

            foreach (var p in solution.Remove)
            {
                writer.WriteLine($"Remove: {p.AptId}");
                writer.WriteLine($"Package: {p.Name}");
                writer.WriteLine($"Version: {p.Version}");
                writer.WriteLine($"Architecture: {p.Architecture}");
                writer.WriteLine();
            }
        }
        catch (AptOstreeException ex)
        {
            writer.WriteLine($"Error: {ex.ErrorCode}");
            var lines = ex.Message.Split('\n');
            writer.WriteLine($"Message: {lines[0].TrimEnd()}");
            foreach (var line in lines.Skip(1))
            {
                writer.WriteLine(line.Trim().Length == 0 ? " ." : " " + line.TrimEnd());
            }

            writer.WriteLine();
        }

        writer.Flush();
    }

    private static void Progress(StreamWriter writer, string stamp, int percentage, string message)
    {
        writer.WriteLine($"Progress: {stamp}");
        writer.WriteLine($"Percentage: {percentage.ToString(CultureInfo.InvariantCulture)}");
        writer.WriteLine($"Message: {message}");
        writer.WriteLine();
    }
}
