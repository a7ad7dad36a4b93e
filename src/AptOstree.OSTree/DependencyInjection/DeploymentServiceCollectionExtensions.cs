using AptOstree.OSTree.Sysroot;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the deployment manager.</summary>
public static class DeploymentServiceCollectionExtensions
{
    /// <summary>Adds <see cref="OstreeSysrootFactory"/> and the repository services it builds on.</summary>
    public static IServiceCollection AddAptOstreeDeployments(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddAptOstreeOSTree();
        services.TryAddSingleton<OstreeSysrootFactory>();
        return services;
    }
}
