using AptOstree.Compose.Layering;
using AptOstree.OSTree;
using AptOstree.Testing;

namespace AptOstree.Compose.Tests.Layering;

/// <summary>
/// upgrade onto a new base that is a second compose (<see cref="TreeComposer"/> over the bookworm snapshot plus a local
/// APT repository that now has a newer version of one base package), checked with <c>ostree admin status</c> and
/// <c>dpkg-query</c>.
/// </summary>
public sealed class LayeringComposedUpgradeTests(LayeringComposedBase composed) : IClassFixture<LayeringComposedBase>
{
    private const string TreefileText = """
        ref: debian/12/x86_64/layering-second-compose
        base: debian:12
        variant: minbase
        packages: [adduser, aotest-base-tool]
        """;

    [SkippableFact]
    public async Task Upgrade_NewBaseIsSecondComposeWithNewerPackage_LayeredPackageKeptAndDbDiffShowsBaseUpgrade()
    {
        composed.Require();
        using var extra = new LayeringAptRepository("aotest");
        using var tmp = new TempDirectory("aptostree-layering-compose2-");
        var composeRepo = OstreeRepository.Create(tmp.Combine("repo"), RepoMode.Bare);
        extra.Add("aotest-base-tool", "1.0");
        extra.Publish();
        var first = await composed.ComposeWithAsync(TreefileText, composeRepo, extra, tmp.Combine("lists1"), tmp.Combine("work"));

        using var sr = new LayeringSysroot();
        composed.DeployInto(sr, "1", deploy: true, composeRepo.Path, first);
        var layering = PackageLayering.Open(sr.Path);
        var installed = await layering.InstallAsync([LayeringInstallTests.BuildDeb(sr, "mytool")], new LayeringOptions { ListsDirectory = tmp.Combine("lists1") });

        // The second compose: same treefile, the local repository now has aotest-base-tool 2.0.
        extra.Add("aotest-base-tool", "2.0");
        extra.Publish();
        var second = await composed.ComposeWithAsync(TreefileText, composeRepo, extra, tmp.Combine("lists2"), tmp.Combine("work"));
        Assert.NotEqual(first, second);
        string newBase = composed.DeployInto(sr, "2", deploy: false, composeRepo.Path, second);

        var upgraded = await layering.UpgradeAsync(new LayeringOptions { ListsDirectory = tmp.Combine("lists2") });
        Assert.Equal(newBase, upgraded.Plan.Base.ToString());
        Assert.Equal(["mytool"], upgraded.Plan.Layered.Select(p => p.Name));
        var (oracle, text) = sr.OstreeStatus();
        Assert.Equal([upgraded.Commit!.Value.ToString(), installed.Commit!.Value.ToString()], oracle.Select(d => d.Commit));
        Assert.Contains("Version: 2", text, StringComparison.Ordinal);
        var packages = sr.DpkgQuery(oracle[0].Commit);
        Assert.Contains("aotest-base-tool 2.0 amd64", packages);
        Assert.Contains("mytool 1.0 all", packages);
        Assert.Equal([(PackageChangeKind.Upgraded, "aotest-base-tool")],
            layering.Diff(installed.Commit.Value, upgraded.Commit.Value).Changes.Select(c => (c.Kind, c.Name)));
        string dir = $"{sr.Path}/ostree/deploy/{LayeringSysroot.Os}/deploy/{oracle[0].Commit}.{oracle[0].Serial}";
        Assert.Equal("aotest-base-tool 2.0\n", ExternalTool.Output("chroot", dir, "aotest-base-tool"));
        Assert.Equal("mytool 1.0\n", ExternalTool.Output("chroot", dir, "mytool"));
    }
}
