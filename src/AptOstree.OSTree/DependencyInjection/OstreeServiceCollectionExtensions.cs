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
        services.TryAddSingleton<OstreeRepositoryFactory>();
        return services;
    }
}
