using System.CommandLine;

namespace AptOstree.Cli;

/// <summary>Runs the parsed command and turns SDK exceptions into a one-line message and exit code 2.</summary>
internal static class CliRunner
{
    public static async Task<int> RunAsync(RootCommand root, string[] args)
    {
        try
        {
            // No response files: `-s @release` is a subject, as for ostree and apt, not a file of arguments to read.
            // System.CommandLine's default handler would print a stack trace; SDK errors get one line and exit code 2 instead.
            return await root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null }).InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false }).ConfigureAwait(false);
        }
        catch (AptOstreeException ex)
        {
            await Console.Error.WriteLineAsync($"apt-ostree: error {ex.ErrorCode}: {ex.Message}").ConfigureAwait(false);
            return 2;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            await Console.Error.WriteLineAsync($"apt-ostree: error: {ex.Message}").ConfigureAwait(false);
            return 2;
        }
    }
}
