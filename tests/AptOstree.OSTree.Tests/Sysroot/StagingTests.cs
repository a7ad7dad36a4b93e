using AptOstree.OSTree.Sysroot;
using static AptOstree.OSTree.Tests.Sysroot.SysrootFixture;

namespace AptOstree.OSTree.Tests.Sysroot;

/// <summary>Staged deployments: prepared now, boot configuration and /etc merge at finalization.</summary>
public sealed class StagingTests
{
    [SkippableFact]
    public void Staged_deployment_changes_nothing_until_finalized_and_merges_etc_changes_made_meanwhile()
    {
        using var fx = new SysrootFixture();
        fx.Commit(fx.NewTree(), "1.0");
        string sr = fx.NewSysroot();
        var ours = fx.Open(sr);
        var first = ours.Deploy(Branch, new DeployOptions { Stateroot = Os, KernelArguments = ["rw"] });
        string c2 = fx.Commit(fx.NewTree(kernel: "kernel-2"), "2.0");
        fx.Pull(sr);
        var entries = Entries(sr);

        var staged = ours.Deploy(Branch, new DeployOptions { Stateroot = Os, Stage = true });
        Assert.True(staged.IsStaged);
        Assert.Equal(0, staged.Index);
        Assert.Equal(c2, staged.Commit.ToString());
        Assert.Equal(entries, Entries(sr));
        Assert.Single(OstreeStatus(sr));
        Assert.Equal(DeploymentErrorCodes.StagingState, Assert.Throws<AptOstreeException>(() => ours.Deploy(Branch, new DeployOptions { Stateroot = Os })).ErrorCode);

        // A local change after staging still reaches the new deployment.
        File.WriteAllText($"{ours.GetDeploymentDirectory(first)}/etc/hostname", "changed-after-staging\n");
        var finalized = ours.FinalizeStaged();
        Assert.False(finalized.IsStaged);
        Assert.Equal([c2, first.Commit.ToString()], OstreeStatus(sr).Select(s => s.Commit));
        Assert.Equal(OstreeStatus(sr), OurStatus(ours));
        Assert.Equal("changed-after-staging\n", File.ReadAllText($"{ours.GetDeploymentDirectory(finalized)}/etc/hostname"));
        Assert.Equal("rw", finalized.KernelArguments.ToString());
        Assert.Equal(DeploymentErrorCodes.StagingState, Assert.Throws<AptOstreeException>(() => ours.FinalizeStaged()).ErrorCode);
    }

    [SkippableFact]
    public void Undeploying_a_staged_deployment_discards_it()
    {
        using var fx = new SysrootFixture();
        fx.Commit(fx.NewTree(), "1.0");
        string sr = fx.NewSysroot();
        var ours = fx.Open(sr);
        ours.Deploy(Branch, new DeployOptions { Stateroot = Os });
        fx.Commit(fx.NewTree(kernel: "kernel-2"), "2.0");
        fx.Pull(sr);
        var staged = ours.Deploy(Branch, new DeployOptions { Stateroot = Os, Stage = true });
        ours.Undeploy(0);
        Assert.Single(ours.GetDeployments());
        Assert.False(Directory.Exists(ours.GetDeploymentDirectory(staged)));
    }
}
