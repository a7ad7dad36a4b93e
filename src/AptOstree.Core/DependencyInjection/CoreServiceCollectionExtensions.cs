using AptOstree.Posix;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the services of AptOstree.Core with a DI container.</summary>
public static class CoreServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="IPosixFileSystem"/> (libc), <see cref="TimeProvider.System"/> and, when no logging
    /// is configured, <see cref="NullLoggerFactory"/>. Existing registrations win.
    /// </summary>
    public static IServiceCollection AddAptOstreeCore(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<IPosixFileSystem>(LibcPosixFileSystem.Instance);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        services.TryAdd(ServiceDescriptor.Singleton(typeof(ILogger<>), typeof(NullLogger<>)));
        return services;
    }
}
