using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;

namespace AptOstree.Cli.Commands;

/// <summary>How a verb's action reaches the application's services: through the parse result, as a request reaches its services in ASP.NET Core.</summary>
internal static class CommandServices
{
    /// <summary>The service of type <typeparamref name="T"/> from the provider Program built for this run.</summary>
    public static T GetRequiredService<T>(this ParseResult parseResult)
        where T : notnull
    {
        var root = parseResult.RootCommandResult.Command as AptOstreeRootCommand;
        var services = root?.Services ?? throw new InvalidOperationException("The command line was invoked before its services were built (see Program.cs).");
        return services.GetRequiredService<T>();
    }
}
