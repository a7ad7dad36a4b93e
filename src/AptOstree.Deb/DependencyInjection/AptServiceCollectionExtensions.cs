using AptOstree.Deb.Apt;
using AptOstree.Deb.Solver;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers APT repositories and the solver with a DI container.</summary>
public static class AptServiceCollectionExtensions
{
    /// <summary>
    /// Adds a <see cref="PackageUniverse"/> loaded lazily from the host's APT lists and dpkg status, and a
    /// <see cref="DependencySolver"/> over it. Register your own <see cref="PackageUniverse"/> first to solve
    /// against other indexes or another root. Existing registrations win.
    /// </summary>
    public static IServiceCollection AddAptOstreeApt(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(_ => AptListsDirectory.LoadUniverse());
        services.TryAddSingleton(sp => new DependencySolver(sp.GetRequiredService<PackageUniverse>(), sp.GetService<ILogger<DependencySolver>>()));
        return services;
    }
}
