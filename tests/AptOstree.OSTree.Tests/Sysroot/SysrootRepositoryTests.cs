using AptOstree.OSTree.Sysroot;
using static AptOstree.OSTree.Tests.Sysroot.SysrootFixture;

namespace AptOstree.OSTree.Tests.Sysroot;

/// <summary>
/// The sysroot's own repository (<c>ostree_sysroot_repo()</c>): deploying a commit that no ref names, and the prune
/// that cleanup runs, each compared with what the real <c>ostree admin</c> leaves in a copy of the same sysroot.
/// </summary>
public sealed class SysrootRepositoryTests
{
    [SkippableFact]
    public void Deploy_CommitNoRefNames_MatchesOstreeAdminDeployOfTheChecksum()
    {
        using var fx = new SysrootFixture();
        fx.Commit(fx.NewTree(), "1.0");
        string baseSr = fx.NewSysroot();
        Ostree("admin", "deploy", $"--sysroot={baseSr}", $"--os={Os}", Branch);
        string orphan = CommitOrphan(fx, baseSr, fx.NewTree(kernel: "kernel-2"), "2.0");
        string refSr = fx.CopySysroot(baseSr, "ref");
        string ourSr = fx.CopySysroot(baseSr, "our");

        Ostree("admin", "deploy", $"--sysroot={refSr}", $"--os={Os}", orphan);
        var ours = fx.Open(ourSr);
        var deployed = ours.Deploy(Checksum.Parse(orphan), new DeployOptions { Stateroot = Os });

        Assert.Equal(orphan, deployed.Commit.ToString());
        Assert.Equal(0, deployed.Index);
        Assert.Equal(OstreeStatus(refSr), OstreeStatus(ourSr));
        Assert.Equal(OriginText(refSr, 0), OriginText(ourSr, 0));
        Assert.Equal(Entries(refSr), Entries(ourSr));
        Assert.Equal(Refs(refSr), Refs(ourSr));
        Assert.Equal(Objects(refSr), Objects(ourSr));

        // Only the deployment ref roots the commit; cleanup with prune must keep it, as ostree's does.
        Ostree("admin", "cleanup", $"--sysroot={refSr}");
        ours.Cleanup(prune: true);
        Assert.Equal(Objects(refSr), Objects(ourSr));
        Assert.Contains($"{orphan[..2]}/{orphan[2..]}.commit", Objects(ourSr));
        Ostree("fsck", $"--repo={ourSr}/ostree/repo");
    }

    [SkippableFact]
    public void Deploy_CommitNotInRepository_ThrowsUnresolvedRevision()
    {
        using var fx = new SysrootFixture();
        fx.Commit(fx.NewTree(), "1.0");
        string sr = fx.NewSysroot();
        var ours = fx.Open(sr);
        var missing = Checksum.Compute("not a commit"u8);

        var ex = Assert.Throws<AptOstreeException>(() => ours.Deploy(missing, new DeployOptions { Stateroot = Os }));
        Assert.Equal(DeploymentErrorCodes.UnresolvedRevision, ex.ErrorCode);
        Assert.Contains(missing.ToString(), ex.Message, StringComparison.Ordinal);
        Assert.Empty(ours.GetDeployments());
    }

    [SkippableFact]
    public void DeployStaged_CommitNoRefNames_FinalizesWithTheGivenOrigin()
    {
        using var fx = new SysrootFixture();
        fx.Commit(fx.NewTree(), "1.0");
        string sr = fx.NewSysroot();
        Ostree("admin", "deploy", $"--sysroot={sr}", $"--os={Os}", Branch);
        string orphan = CommitOrphan(fx, sr, fx.NewTree(kernel: "kernel-2"), "2.0");
        var ours = fx.Open(sr);
        var origin = DeploymentOrigin.ForRefspec(Branch);

        var staged = ours.Deploy(Checksum.Parse(orphan), new DeployOptions { Stateroot = Os, Origin = origin, Stage = true });
        Assert.True(staged.IsStaged);
        var finalized = ours.FinalizeStaged();

        Assert.Equal(orphan, finalized.Commit.ToString());
        Assert.Equal(orphan, OstreeStatus(sr)[0].Commit);
        Assert.Equal(origin.ToString(), OriginText(sr, 0));
    }

    [SkippableFact]
    public void Undeploy_ThenCleanup_PrunesExactlyWhatOstreeAdminPrunes()
    {
        using var fx = new SysrootFixture();
        string c1 = fx.Commit(fx.NewTree(), "1.0");
        string baseSr = fx.NewSysroot();
        Ostree("admin", "deploy", $"--sysroot={baseSr}", $"--os={Os}", Branch);
        fx.Commit(fx.NewTree(kernel: "kernel-2", customize: t => File.WriteAllText($"{t}/usr/bin/two", "2\n")), "2.0");
        fx.Pull(baseSr);
        Ostree("admin", "deploy", $"--sysroot={baseSr}", $"--os={Os}", Branch);

        // Roots other than local refs: a remote ref and a collection ref (refs/mirrors) keep their commits alive.
        string repo = $"{baseSr}/ostree/repo";
        string remoteOnly = CommitOrphan(fx, baseSr, fx.NewTree(kernel: "kernel-3"), "3.0");
        Ostree("remote", "add", $"--repo={repo}", "--no-gpg-verify", "origin", "file:///nonexistent");
        Ostree("refs", $"--repo={repo}", $"--create=origin:{Os}/remote", remoteOnly);
        string mirrorOnly = CommitOrphan(fx, baseSr, fx.NewTree(kernel: "kernel-4"), "4.0");
        Directory.CreateDirectory($"{repo}/refs/mirrors/org.example.Os/{Os}");
        File.WriteAllText($"{repo}/refs/mirrors/org.example.Os/{Os}/mirror", mirrorOnly + "\n");
        string unreferenced = CommitOrphan(fx, baseSr, fx.NewTree(kernel: "kernel-5"), "5.0");
        string refSr = fx.CopySysroot(baseSr, "ref");
        string ourSr = fx.CopySysroot(baseSr, "our");

        Ostree("admin", "undeploy", $"--sysroot={refSr}", "1");
        fx.Open(ourSr).Undeploy(1);

        Assert.Equal(OstreeStatus(refSr), OstreeStatus(ourSr));
        Assert.Equal(Refs(refSr), Refs(ourSr));
        var remaining = Objects(ourSr);
        Assert.Equal(Objects(refSr), remaining);
        Assert.True(remaining.Count < Objects(baseSr).Count, "undeploy pruned nothing");
        Assert.DoesNotContain(CommitObject(c1), remaining);
        Assert.DoesNotContain(CommitObject(unreferenced), remaining);
        Assert.Contains(CommitObject(remoteOnly), remaining);
        Assert.Contains(CommitObject(mirrorOnly), remaining);

        // Cleanup prunes what became unreachable since: ostree admin cleanup and ours agree again.
        foreach (var sr in new[] { refSr, ourSr })
        {
            Ostree("refs", $"--repo={sr}/ostree/repo", "--delete", $"origin:{Os}/remote");
        }

        Ostree("admin", "cleanup", $"--sysroot={refSr}");
        fx.Open(ourSr).Cleanup(prune: true);
        Assert.Equal(Objects(refSr), Objects(ourSr));
        Assert.DoesNotContain(CommitObject(remoteOnly), Objects(ourSr));
        Ostree("fsck", $"--repo={ourSr}/ostree/repo");
    }

    private static string CommitOrphan(SysrootFixture fx, string sysroot, string tree, string version) =>
        Ostree("commit", $"--repo={sysroot}/ostree/repo", "--orphan", $"--add-metadata-string=version={version}", "--owner-uid=0", "--owner-gid=0", $"--tree=dir={tree}").Trim();

    private static string CommitObject(string checksum) => $"{checksum[..2]}/{checksum[2..]}.commit";

    /// <summary>Every loose object, as <c>XX/REST.type</c>, sorted.</summary>
    private static List<string> Objects(string sysroot)
    {
        string dir = $"{sysroot}/ostree/repo/objects";
        return Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(dir, f)).Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>Every ref file under <c>refs/</c> with its content, sorted.</summary>
    private static List<string> Refs(string sysroot)
    {
        string dir = $"{sysroot}/ostree/repo/refs";
        return Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories)
            .Select(f => $"{Path.GetRelativePath(dir, f)} {File.ReadAllText(f).Trim()}").Order(StringComparer.Ordinal).ToList();
    }

    private static string OriginText(string sr, int index)
    {
        var s = OstreeStatus(sr)[index];
        return File.ReadAllText($"{sr}/ostree/deploy/{s.Os}/deploy/{s.Commit}.{s.Serial}.origin");
    }
}
