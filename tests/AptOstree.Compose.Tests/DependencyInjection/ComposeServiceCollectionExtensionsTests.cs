using AptOstree.Compose.Tests.Layering;
using AptOstree.Compose.Tests.Pipeline;
using AptOstree.OSTree;
using AptOstree.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AptOstree.Compose.Tests.DependencyInjection;

public sealed class ComposeServiceCollectionExtensionsTests
{
    [Fact]
    public void AddAptOstreeCompose_CalledTwice_RegistersTheFactoryOnce()
    {
        var services = new ServiceCollection().AddAptOstreeCompose().AddAptOstreeCompose();
        Assert.Single(services, d => d.ServiceType == typeof(TreeComposerFactory));
        using var provider = services.BuildServiceProvider();
        Assert.Same(provider.GetRequiredService<TreeComposerFactory>(), provider.GetRequiredService<TreeComposerFactory>());
    }

    [SkippableFact]
    public async Task TreeComposerFromTheContainer_DownloadOnlyFromALocalRepository_VerifiesTheDebsAndLogsThroughTheContainer()
    {
        ExternalTool.Require("gpg");
        using var apt = new LayeringAptRepository();
        apt.Add("beta");
        apt.Add("alpha", fields: [("Depends", "beta")]);
        apt.Publish();
        using var temp = new TempDirectory("aptostree-compose-di-");
        var recorder = new RecordingLoggerProvider();
        using var provider = new ServiceCollection()
            .AddLogging(b => b.AddProvider(recorder).SetMinimumLevel(LogLevel.Trace))
            .AddAptOstreeCompose()
            .BuildServiceProvider();

        var composer = provider.GetRequiredService<TreeComposerFactory>().Open(temp.Combine("repo"));
        var result = await composer.ComposeAsync(LocalRepositoryComposeTests.Treefile(apt, temp.Path, "alpha"),
            new ComposeOptions { CacheDirectory = temp.Combine("cache"), DownloadOnly = true });

        Assert.Equal(["alpha", "beta"], result.Packages.Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.True(File.Exists(temp.Combine("cache", "debs", "alpha_1.0_amd64.deb")));
        Assert.True(File.Exists(temp.Combine("cache", "debs", "beta_1.0_amd64.deb")));
        Assert.Null(result.Commit);
        Assert.Equal(Environment.IsPrivilegedProcess ? RepoMode.Bare : RepoMode.BareUser, OstreeRepository.Open(temp.Combine("repo")).Mode);
        Assert.Contains(recorder.Events, e => e.Category == typeof(TreeComposer).FullName && e.Message.StartsWith("Compose phase download took", StringComparison.Ordinal));
    }
}
