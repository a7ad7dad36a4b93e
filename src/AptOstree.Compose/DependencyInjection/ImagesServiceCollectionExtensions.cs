using AptOstree.Compose.Images;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the bootable-image services of AptOstree.Compose.</summary>
public static class ImagesServiceCollectionExtensions
{
    /// <summary>Adds <see cref="DiskImageBuilder"/> and <see cref="KernelInitramfsStep"/>, logging through the container's <see cref="ILoggerFactory"/> when there is one.</summary>
    public static IServiceCollection AddAptOstreeImages(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(sp => new DiskImageBuilder(sp.GetService<ILoggerFactory>()));
        services.TryAddSingleton(sp => new KernelInitramfsStep(sp.GetService<ILogger<KernelInitramfsStep>>()));
        return services;
    }
}
