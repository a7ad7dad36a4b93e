using AptOstree.Deb.Apt;
using AptOstree.Deb.Solver;
using AptOstree.Deb.Tests.Building;
using AptOstree.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace AptOstree.Deb.Tests.DependencyInjection;

/// <summary>
/// The SDK's registrations leave logging to the application: <c>AddLogging</c> before or after them gives the
/// application's console logger, and the SDK's own events arrive through it.
/// </summary>
public sealed class LoggingRegistrationTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void AddAptOstreeServices_EitherOrderWithAddLogging_ConsoleLoggerWorksAndSdkEventsArrive(bool sdkFirst)
    {
        using var lists = new TempDirectory();
        File.WriteAllText(lists.Combine("repo.invalid_dists_x_main_binary-amd64_Packages"), "Package: hello\nVersion: 1.0\nArchitecture: amd64\nFilename: pool/hello.deb\nSize: 1\n\n");
        var recorder = new RecordingLoggerProvider();
        void Logging(ILoggingBuilder b) => b.AddConsole().AddProvider(recorder).SetMinimumLevel(LogLevel.Debug);
        var services = new ServiceCollection();
        if (sdkFirst)
        {
            services.AddAptOstreeCore().AddAptOstreeDeb().AddAptOstreeApt().AddLogging(Logging);
        }
        else
        {
            services.AddLogging(Logging).AddAptOstreeCore().AddAptOstreeDeb().AddAptOstreeApt();
        }

        services.AddSingleton(new AptUniverseLoaderOptions { ListsDirectory = lists.Path, StatusFile = null, NativeArchitecture = "amd64", ForeignArchitectures = [], Sources = [] });
        using var provider = services.BuildServiceProvider();

        var factory = provider.GetRequiredService<ILoggerFactory>();
        Assert.IsNotType<NullLoggerFactory>(factory);
        Assert.Contains(provider.GetServices<ILoggerProvider>(), p => p is ConsoleLoggerProvider);
        factory.CreateLogger("App").Log(LogLevel.Information, new EventId(1), "application event", null, (state, _) => state);

        using (provider.GetRequiredService<DebPackageReader>().Open(new MemoryStream(TestDebs.Build("di")), sourceName: "di.deb"))
        {
        }

        var loader = provider.GetRequiredService<AptUniverseLoader>();
        var universe = loader.Load();
        loader.CreateSolver(universe).Solve(SolverRequest.ForInstall(["hello"]));

        var events = recorder.Events.ToList();
        Assert.Contains(events, e => e.Category == "App" && e.Message == "application event");
        Assert.Contains(events, e => e.Id.Id == LogEventIds.DebBase + 1 && e.Message.Contains("di.deb", StringComparison.Ordinal));
        Assert.Contains(events, e => e.Id.Id == LogEventIds.AptBase + 3 && e.Category == typeof(AptUniverseLoader).FullName);
        Assert.Contains(events, e => e.Id.Id == LogEventIds.AptBase + 1 && e.Category == typeof(DependencySolver).FullName);
    }

    [Fact]
    public void AddAptOstreeServices_WithoutLogging_RegisterNoLoggerFactoryAndStillResolve()
    {
        var services = new ServiceCollection().AddAptOstreeCore().AddAptOstreeDeb().AddAptOstreeApt();
        Assert.DoesNotContain(services, d => d.ServiceType == typeof(ILoggerFactory) || d.ServiceType == typeof(ILogger<>));
        using var provider = services.BuildServiceProvider();
        Assert.Null(provider.GetService<ILoggerFactory>());
        Assert.NotNull(provider.GetRequiredService<DebPackageReader>());
        Assert.NotNull(provider.GetRequiredService<AptUniverseLoader>());
        Assert.NotNull(provider.GetRequiredService<RepositoryClient>());
        Assert.NotNull(provider.GetRequiredService<PackageDownloader>());
    }

    [Fact]
    public void AddAptOstreeApt_HostData_RegistersALoaderNotAUniverse()
    {
        var services = new ServiceCollection().AddAptOstreeApt();
        Assert.DoesNotContain(services, d => d.ServiceType == typeof(PackageUniverse) || d.ServiceType == typeof(DependencySolver));
        Assert.Contains(services, d => d.ServiceType == typeof(AptUniverseLoader) && d.Lifetime == ServiceLifetime.Singleton);
    }
}
