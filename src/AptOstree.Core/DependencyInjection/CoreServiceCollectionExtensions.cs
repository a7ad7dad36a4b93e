using AptOstree.Posix;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the services of AptOstree.Core with a DI container.</summary>
public static class CoreServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="IPosixFileSystem"/> (libc) and <see cref="TimeProvider.System"/>; existing registrations win.
    /// Logging is the application's: the SDK registers no <c>ILoggerFactory</c> and logs through the one the
    /// application adds (<c>services.AddLogging(…)</c>, before or after this call), or not at all without one.
    /// </summary>
    public static IServiceCollection AddAptOstreeCore(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<IPosixFileSystem>(LibcPosixFileSystem.Instance);
        services.TryAddSingleton(TimeProvider.System);
        return services;
    }
}
