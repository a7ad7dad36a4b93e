using AptOstree.OSTree;
using AptOstree.OSTree.Sysroot;
using AptOstree.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

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

    [SkippableFact]
    public void AddAptOstreeDeployments_ApplicationTimeProvider_RepositoriesAndSysrootsCommitAtItsTime()
    {
        Skip.If(Environment.GetEnvironmentVariable("SOURCE_DATE_EPOCH") is not null, "SOURCE_DATE_EPOCH is set in this process: it wins over the clock by design.");
        var pinned = new DateTimeOffset(2022, 7, 1, 12, 0, 0, TimeSpan.Zero);
        using var provider = new ServiceCollection().AddSingleton<TimeProvider>(new FakeTimeProvider(pinned)).AddAptOstreeDeployments().BuildServiceProvider();
        using var dir = new TempDirectory();
        var repo = provider.GetRequiredService<OstreeRepositoryFactory>().Create(dir.Combine("repo"), RepoMode.Archive);
        var commit = repo.CommitTree(new MutableTree(), new CommitOptions { Branch = "t" });
        Assert.Equal(pinned, repo.ReadCommit(commit).Time);

        var sysroot = provider.GetRequiredService<OstreeSysrootFactory>().InitializeFileSystem(dir.Combine("sysroot"));
        var second = sysroot.Repository.CommitTree(new MutableTree(), new CommitOptions { Branch = "t" });
        Assert.Equal(pinned, sysroot.Repository.ReadCommit(second).Time);
    }
}
