using AptOstree.Deb;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the services of AptOstree.Deb with a DI container.</summary>
public static class DebServiceCollectionExtensions
{
    /// <summary>
    /// Adds the Core services (<c>AddAptOstreeCore()</c>), <see cref="DebReaderOptions"/> (defaults) and
    /// <see cref="DebPackageReader"/>. Existing registrations win.
    /// </summary>
    public static IServiceCollection AddAptOstreeDeb(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddAptOstreeCore();
        services.TryAddSingleton(DebReaderOptions.Default);
        services.TryAddSingleton(sp => new DebPackageReader(sp.GetService<ILogger<DebPackageReader>>(), sp.GetService<DebReaderOptions>()));
        return services;
    }
}
