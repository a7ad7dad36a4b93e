using AptOstree.OSTree;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the OSTree repository services.</summary>
public static class OstreeServiceCollectionExtensions
{
    /// <summary>Adds <see cref="OstreeRepositoryFactory"/> (and the Core services it needs).</summary>
    public static IServiceCollection AddAptOstreeOSTree(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddAptOstreeCore();
        // The application's logging when it has any: the SDK never registers an ILoggerFactory itself.
        services.TryAddSingleton(sp => new OstreeRepositoryFactory(sp.GetRequiredService<AptOstree.Posix.IPosixFileSystem>(), sp.GetService<Microsoft.Extensions.Logging.ILoggerFactory>() ?? Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance, sp.GetService<TimeProvider>()));
        return services;
    }
}
