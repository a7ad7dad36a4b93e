using System.CommandLine;

namespace AptOstree.Cli;

/// <summary>Runs the parsed command and turns SDK exceptions into a one-line message and exit code 2.</summary>
internal static class CliRunner
{
    public static async Task<int> RunAsync(RootCommand root, string[] args)
    {
        try
        {
            return await root.Parse(args).InvokeAsync().ConfigureAwait(false);
        }
        catch (AptOstreeException ex)
        {
            await Console.Error.WriteLineAsync($"apt-ostree: error {ex.ErrorCode}: {ex.Message}").ConfigureAwait(false);
            return 2;
        }
    }
}
