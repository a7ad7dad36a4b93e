using AptOstree.Compose.Layering;
using AptOstree.Testing;

namespace AptOstree.Compose.Tests.Layering;

/// <summary>
/// upgrade from a remote (an archive repository reached by <c>file://</c>, pulled through our pull API) and staged
/// layering dropped by <c>cleanup -p</c>, checked with <c>ostree admin status</c>, <c>ostree rev-parse</c>,
/// <c>ostree fsck</c> and <c>dpkg-query</c>.
/// </summary>
public sealed class LayeringUpgradeTests
{
    private static string CommitTo(string repo, string tree, string version) =>
        LayeringSysroot.Ostree("commit", $"--repo={repo}", $"--branch={LayeringSysroot.Branch}", $"--add-metadata-string=version={version}",
            "--owner-uid=0", "--owner-gid=0", "--timestamp=@1700000000", $"--tree=dir={tree}").Trim();

    [SkippableFact]
    public async Task Upgrade_OriginRefspecNamesRemote_PullsNewBaseFirstAndKeepsLayeredPackages()
    {
        using var sr = new LayeringSysroot();
        string remote = sr.Temp("remote-repo");
        LayeringSysroot.Ostree("init", $"--repo={remote}", "--mode=archive");
        CommitTo(remote, sr.NewTree(LayeringInstallTests.BaseStatus), "1");
        LayeringSysroot.Ostree("remote", "add", $"--repo={sr.Repo}", "--no-gpg-verify", "origin", $"file://{remote}");
        LayeringSysroot.Ostree("pull", $"--repo={sr.Repo}", "origin", LayeringSysroot.Branch);
        sr.Deploy($"origin:{LayeringSysroot.Branch}");
        var layering = PackageLayering.Open(sr.Path);
        var installed = await layering.InstallAsync([LayeringInstallTests.BuildDeb(sr, "mytool")]);
        Assert.False((await layering.UpgradeAsync()).Changed);

        // A new base on the remote only: upgrade pulls it, then layers mytool on it.
        string v2 = CommitTo(remote, sr.NewTree(LayeringSysroot.Stanza("base-files", "12.5") + LayeringSysroot.Stanza("bash", "5.2.15-2")), "2");
        var upgraded = await layering.UpgradeAsync();
        Assert.True(upgraded.Changed);
        Assert.Equal(v2, upgraded.Plan.Base.ToString());
        Assert.Equal(v2, LayeringSysroot.Ostree("rev-parse", $"--repo={sr.Repo}", $"origin:{LayeringSysroot.Branch}").Trim());
        var (oracle, text) = sr.OstreeStatus();
        Assert.Equal([upgraded.Commit!.Value.ToString(), installed.Commit!.Value.ToString()], oracle.Select(d => d.Commit));
        Assert.Contains($"origin refspec: origin:{LayeringSysroot.Branch}", text, StringComparison.Ordinal);
        Assert.Contains("Version: 2", text, StringComparison.Ordinal);
        Assert.Equal(["base-files 12.5 amd64", "bash 5.2.15-2 amd64", "mytool 1.0 all"], sr.DpkgQuery(oracle[0].Commit));
        Assert.Equal(0, ExternalTool.Run("ostree", ["fsck", $"--repo={sr.Repo}"]).ExitCode);
    }

    [SkippableFact]
    public async Task Install_Staged_CleanupPendingDropsStagedDeploymentAndItsCommit()
    {
        using var sr = new LayeringSysroot();
        string baseCommit = sr.Commit(sr.NewTree(LayeringInstallTests.BaseStatus), "1");
        sr.Deploy(LayeringSysroot.Branch);
        var layering = PackageLayering.Open(sr.Path);
        string before = sr.OstreeStatus().Text;

        var staged = await layering.InstallAsync([LayeringInstallTests.BuildDeb(sr, "mytool")], new LayeringOptions { Stage = true });
        Assert.True(staged.Deployment!.IsStaged);
        var status = layering.GetStatus();
        Assert.Equal([true, false], status.Select(s => s.Deployment.IsStaged));
        string stagedDir = layering.Sysroot.GetDeploymentDirectory(staged.Deployment);
        Assert.True(Directory.Exists(stagedDir));
        // ostree admin status (offline) lists the deployments written to the boot configuration: staging changed none.
        Assert.Equal(before, sr.OstreeStatus().Text);

        var removed = layering.Cleanup(pending: true, rollback: false);
        Assert.Equal([staged.Deployment.Name], removed.Select(d => d.Name));
        Assert.Equal([baseCommit], layering.GetStatus().Select(s => s.Deployment.Commit.ToString()));
        Assert.False(Directory.Exists(stagedDir));
        Assert.Equal(before, sr.OstreeStatus().Text);
        Assert.NotEqual(0, ExternalTool.Run("ostree", ["show", $"--repo={sr.Repo}", staged.Commit!.Value.ToString()]).ExitCode);
        Assert.Equal(0, ExternalTool.Run("ostree", ["fsck", $"--repo={sr.Repo}"]).ExitCode);
    }
}
