namespace AptOstree.Cli.Commands;

/// <summary>
/// Runs a `deb` verb's action so that SDK errors print as one line (`apt-ostree: error AO2001: …`) with exit
/// code 2, even where System.CommandLine's own exception handler would print a stack trace first.
/// </summary>
internal static class DebErrorHandlingCommand
{
    public static int Run(Func<int> action)
    {
        try
        {
            return action();
        }
        catch (AptOstreeException ex)
        {
            Console.Error.WriteLine($"apt-ostree: error {ex.ErrorCode}: {ex.Message}");
            return 2;
        }
    }
}
