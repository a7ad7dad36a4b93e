using System.CommandLine;
using System.Runtime;
using Microsoft.Win32.SafeHandles;
using AptOstree.Deb.Solver;

namespace AptOstree.Cli.Commands;

/// <summary>`apt-ostree apt edsp`: an EDSP 0.5 solver reading the scenario on stdin.</summary>
internal static class AptEdspCommand
{
    /// <summary>Allocation without collections: ~3× what a 30 MB scenario (all of bookworm, one architecture) needs.</summary>
    private const long NoCollectionBudget = 256L << 20;

    public static Command Create()
    {
        var command = new Command("edsp", "Act as an APT external solver (EDSP 0.5): scenario on stdin, answer on stdout.");
        var noRecommends = new Option<bool>("--no-recommends") { Description = "Do not follow Recommends (EDSP does not transmit apt's option)." };
        command.Options.Add(noRecommends);
        command.SetAction(parse =>
        {
            bool recommends = !parse.GetValue(noRecommends)
                && !string.Equals(Environment.GetEnvironmentVariable("APT_OSTREE_NO_RECOMMENDS"), "1", StringComparison.Ordinal);
            // One short burst of allocation (~30 MB scenario, most of it garbage at once): background GC would only
            // add a second thread's work. Batch mode here rather than process-wide, because `apt check` peaks
            // ~150 MB higher without background GC.
            GCSettings.LatencyMode = GCLatencyMode.Batch;

            // Nearly everything the solver allocates (the scenario, one record per version, the indexes) lives until
            // the answer is written, so each collection only marks and promotes it: three gen0, two gen1 and one gen2
            // collection on a 30 MB scenario, ~10-15% of the CPU time. No collection at all while the budget lasts;
            // past it (a far larger scenario) the runtime collects as usual. Committed, not touched: RSS is unchanged.
            try
            {
                GC.TryStartNoGCRegion(NoCollectionBudget);
            }
            catch (ArgumentOutOfRangeException)
            {
                // A runtime whose limit is lower: collect as usual.
            }

            // A FileStream over fd 0 knows the size of a redirected file, so the scenario is read into one array of the
            // right size; from a pipe (apt's own way) it is read in growing chunks.
            using var stdin = new FileStream(new SafeFileHandle(0, ownsHandle: false), FileAccess.Read, bufferSize: 0);
            using var stdout = Console.OpenStandardOutput();
            EdspSolver.Run(stdin, stdout, recommends);
            return 0;
        });
        return command;
    }
}
