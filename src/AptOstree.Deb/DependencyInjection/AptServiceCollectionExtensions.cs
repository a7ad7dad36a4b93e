using AptOstree.Deb.Apt;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers APT repositories and the solver with a DI container.</summary>
public static class AptServiceCollectionExtensions
{
    /// <summary>
    /// Adds the Core services, <see cref="AptUniverseLoader"/> (reading the host's lists and dpkg status on each
    /// <see cref="AptUniverseLoader.Load"/>; register <see cref="AptUniverseLoaderOptions"/> first to read other
    /// indexes or another root), <see cref="RepositoryClient"/> and <see cref="PackageDownloader"/>. They log through
    /// the application's <see cref="ILoggerFactory"/> when it has one. Existing registrations win.
    /// </summary>
    public static IServiceCollection AddAptOstreeApt(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddAptOstreeCore();
        services.TryAddSingleton(AptUniverseLoaderOptions.Default);
        services.TryAddSingleton(sp => new AptUniverseLoader(sp.GetService<AptUniverseLoaderOptions>(), sp.GetService<ILoggerFactory>()));
        services.TryAddSingleton(sp => new RepositoryClient(http: null, sp.GetService<TimeProvider>(), sp.GetService<ILogger<RepositoryClient>>()));
        services.TryAddSingleton(sp => new PackageDownloader(http: null, sp.GetService<ILogger<PackageDownloader>>()));
        return services;
    }
}
