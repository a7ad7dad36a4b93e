using AptOstree.Compose.Layering;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers client-side package layering.</summary>
public static class LayeringServiceCollectionExtensions
{
    /// <summary>Adds <see cref="PackageLayeringFactory"/> and the deployment services it builds on.</summary>
    public static IServiceCollection AddAptOstreeLayering(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddAptOstreeDeployments();
        services.TryAddSingleton<PackageLayeringFactory>();
        return services;
    }
}
