using AptOstree.OSTree;
using AptOstree.OSTree.Sysroot;
using AptOstree.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AptOstree.OSTree.Tests.DependencyInjection;

/// <summary>The OSTree services resolve whether or not the application configured logging (the SDK registers none).</summary>
public sealed class OstreeServiceRegistrationTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AddAptOstreeDeployments_WithAndWithoutLogging_FactoriesResolveAndCreateRepositories(bool withLogging)
    {
        var services = new ServiceCollection().AddAptOstreeDeployments();
        if (withLogging)
        {
            services.AddLogging();
        }

        Assert.DoesNotContain(services, d => d.ServiceType == typeof(ILoggerFactory) && !withLogging);
        using var provider = services.BuildServiceProvider();
        Assert.NotNull(provider.GetRequiredService<OstreeSysrootFactory>());
        using var dir = new TempDirectory();
        var repo = provider.GetRequiredService<OstreeRepositoryFactory>().Create(dir.Combine("repo"), RepoMode.Archive);
        Assert.True(File.Exists(dir.Combine("repo", "config")));
        Assert.NotNull(repo);
    }
}
