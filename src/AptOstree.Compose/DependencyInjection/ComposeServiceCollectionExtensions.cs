using AptOstree.Compose;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers treefile composition.</summary>
public static class ComposeServiceCollectionExtensions
{
    /// <summary>Adds <see cref="TreeComposerFactory"/> and the repository services it builds on.</summary>
    public static IServiceCollection AddAptOstreeCompose(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddAptOstreeOSTree();

        // The application's logging when it has any: the SDK never registers an ILoggerFactory itself.
        services.TryAddSingleton(sp => new TreeComposerFactory(sp.GetRequiredService<AptOstree.OSTree.OstreeRepositoryFactory>(), sp.GetService<Microsoft.Extensions.Logging.ILoggerFactory>()));
        return services;
    }
}
