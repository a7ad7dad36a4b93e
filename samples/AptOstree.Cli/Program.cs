using AptOstree.Cli;
using AptOstree.Cli.Commands;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

// The command line is parsed first, so that -v can shape logging; then the services are built, as an application
// using the SDK would: the application owns logging, and every SDK service comes from the container.
var root = new AptOstreeRootCommand();
var parseResult = CliRunner.Parse(root, args);
bool verbose = parseResult.GetValue(VerboseOption.Instance);

var services = new ServiceCollection()
    .AddLogging(logging =>
    {
        // Log events go to stderr (stdout carries the output scripts and tests compare with the real tools), one
        // line each; without -v there is no provider, so the SDK's loggers cost nothing.
        if (verbose)
        {
            logging.SetMinimumLevel(LogLevel.Debug);
            logging.AddSimpleConsole(console => console.SingleLine = true);
            logging.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(console => console.LogToStandardErrorThreshold = LogLevel.Trace);
        }
    })
    .AddAptOstreeCore()
    .AddAptOstreeDeb()
    .AddAptOstreeApt()
    .AddAptOstreeOSTree()
    .AddAptOstreeDeployments()
    .AddAptOstreeImages()
    .AddAptOstreeCompose()
    .AddAptOstreeLayering();

// Disposed at exit, which flushes the console logger's queue.
await using var provider = services.BuildServiceProvider();
root.Services = provider;
return await CliRunner.InvokeAsync(parseResult, verbose).ConfigureAwait(false);
