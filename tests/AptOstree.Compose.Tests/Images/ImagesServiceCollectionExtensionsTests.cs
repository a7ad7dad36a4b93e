using AptOstree.Compose.Images;
using Microsoft.Extensions.DependencyInjection;

namespace AptOstree.Compose.Tests.Images;

public sealed class ImagesServiceCollectionExtensionsTests
{
    [Fact]
    public void AddAptOstreeImages_EmptyContainer_RegistersBuilderAndKernelStepOnce()
    {
        var services = new ServiceCollection().AddAptOstreeImages().AddAptOstreeImages();
        var empty = new EmptyProvider();
        Assert.IsType<DiskImageBuilder>(Assert.Single(services, d => d.ServiceType == typeof(DiskImageBuilder)).ImplementationFactory!(empty));
        Assert.IsType<KernelInitramfsStep>(Assert.Single(services, d => d.ServiceType == typeof(KernelInitramfsStep)).ImplementationFactory!(empty));
    }

    private sealed class EmptyProvider : IServiceProvider
    {
        public object? GetService(Type serviceType) => null;
    }
}
