using System.CommandLine;
using System.CommandLine.Parsing;

namespace AptOstree.Cli;

/// <summary>
/// Parses and runs the command line with dpkg's exit-code contract: a verb's own status (0, or 1 for "false" such as
/// <c>deb compare-versions</c> and <c>apt check</c>), 2 for a usage or runtime error, 130 when interrupted. Every error
/// is one line on stderr, <c>apt-ostree: error AOnnnn: message</c>; with <c>-v</c> the exception's details follow it.
/// </summary>
internal static class CliRunner
{
    /// <summary>A usage error (bad option, missing argument) or a runtime error (the SDK refused, I/O failed).</summary>
    public const int ErrorExitCode = 2;

    /// <summary>Cancelled by SIGINT or SIGTERM (128 + SIGINT, as shells report it).</summary>
    public const int InterruptedExitCode = 130;

    /// <summary>Parses without response files: `-s @release` is a subject, as for ostree and apt, not a file of arguments to read.</summary>
    public static ParseResult Parse(RootCommand root, string[] args) =>
        root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });

    public static async Task<int> InvokeAsync(ParseResult parseResult, bool verbose)
    {
        // --help and --version run even when the rest of the line has errors, as System.CommandLine intends.
        if (parseResult.Action?.ClearsParseErrors != true && UsageErrors(parseResult) is { Count: > 0 } errors)
        {
            foreach (var message in errors)
            {
                await Console.Error.WriteLineAsync($"apt-ostree: error {CoreErrorCodes.InvalidArgument}: {message}").ConfigureAwait(false);
            }

            await Console.Error.WriteLineAsync($"Try '{CommandPath(parseResult.CommandResult)} --help' for more information.").ConfigureAwait(false);
            return ErrorExitCode;
        }

        try
        {
            // System.CommandLine's default handler would print a stack trace; errors get one line instead.
            return await parseResult.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false }).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            await Console.Error.WriteLineAsync("apt-ostree: interrupted").ConfigureAwait(false);
            return InterruptedExitCode;
        }
        catch (Exception ex)
        {
            await Console.Error.WriteLineAsync(ErrorLine(ex)).ConfigureAwait(false);
            if (verbose)
            {
                await Console.Error.WriteLineAsync(ex.ToString()).ConfigureAwait(false);
            }

            return ErrorExitCode;
        }
    }

    /// <summary>The one line an exception becomes: its AO code, and the path for I/O errors.</summary>
    internal static string ErrorLine(Exception exception)
    {
        var ex = exception is AggregateException { InnerExceptions.Count: 1 } aggregate ? aggregate.InnerExceptions[0] : exception;
        return ex switch
        {
            AptOstreeException sdk => $"apt-ostree: error {sdk.ErrorCode}: {sdk.Message}",

            // The runtime's I/O errors are failed system calls; their messages name the path except for a few cases.
            FileNotFoundException { FileName: { } file } notFound when !notFound.Message.Contains(file, StringComparison.Ordinal) =>
                $"apt-ostree: error {CoreErrorCodes.PosixCallFailed}: {file}: {notFound.Message}",
            IOException or UnauthorizedAccessException => $"apt-ostree: error {CoreErrorCodes.PosixCallFailed}: {ex.Message}",

            // A defect of ours, not of the input: say so, with the type that escaped (-v shows where).
            _ => $"apt-ostree: error {CoreErrorCodes.Unspecified}: internal error ({ex.GetType().Name}): {ex.Message}",
        };
    }

    /// <summary>
    /// The parser's errors, where an unknown token is named as an option when it looks like one, plus the unknown
    /// options the parser took as arguments (`compare-versions --bogus 1 lt 2` would otherwise report `2`).
    /// </summary>
    private static List<string> UsageErrors(ParseResult parseResult)
    {
        var errors = new List<string>();
        foreach (var token in OptionLikeArguments(parseResult))
        {
            errors.Add($"Unrecognized option '{token}'.");
        }

        if (errors.Count > 0)
        {
            // The parser's errors follow from the misplaced option (too many or too few arguments): it names the wrong token.
            return errors;
        }

        foreach (var error in parseResult.Errors)
        {
            errors.Add(parseResult.UnmatchedTokens.FirstOrDefault(t => error.Message.Contains($"'{t}'", StringComparison.Ordinal)) is { } unmatched && LooksLikeOption(unmatched)
                ? $"Unrecognized option '{unmatched}'."
                : error.Message);
        }

        return errors;
    }

    /// <summary>Tokens before any `--` that look like options but were bound to a command's arguments.</summary>
    private static IEnumerable<string> OptionLikeArguments(ParseResult parseResult)
    {
        var afterDoubleDash = new HashSet<Token>(ReferenceEqualityComparer.Instance);
        bool seen = false;
        foreach (var token in parseResult.Tokens)
        {
            seen |= token.Type == TokenType.DoubleDash;
            if (seen)
            {
                afterDoubleDash.Add(token);
            }
        }

        for (SymbolResult? result = parseResult.CommandResult; result is CommandResult command; result = command.Parent)
        {
            foreach (var argument in command.Children.OfType<ArgumentResult>())
            {
                foreach (var token in argument.Tokens)
                {
                    if (!afterDoubleDash.Contains(token) && LooksLikeOption(token.Value))
                    {
                        yield return token.Value;
                    }
                }
            }
        }
    }

    /// <summary>`-x`, `--name`: not `-` (stdin) and not a negative number.</summary>
    private static bool LooksLikeOption(string token) =>
        token.Length > 1 && token[0] == '-' && !char.IsAsciiDigit(token[1]);

    private static string CommandPath(CommandResult command)
    {
        var names = new Stack<string>();
        for (SymbolResult? result = command; result is CommandResult c; result = c.Parent)
        {
            names.Push(c.Parent is null ? "apt-ostree" : c.Command.Name);
        }

        return string.Join(' ', names);
    }
}
