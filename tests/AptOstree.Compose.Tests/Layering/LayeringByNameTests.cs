using AptOstree.Compose.Layering;
using AptOstree.Deb;
using AptOstree.Testing;

namespace AptOstree.Compose.Tests.Layering;

/// <summary>
/// install by name: resolved with our solver against the base's dpkg database and the signed <c>file:</c> APT repository
/// the base commit records as its sources; checked with <c>ostree admin status</c>, <c>ostree refs</c> and <c>dpkg-query</c>.
/// </summary>
public sealed class LayeringByNameTests
{
    private static readonly string BaseStatus = LayeringSysroot.Stanza("base-files", "12.4") + LayeringSysroot.Stanza("bash", "5.2.15-2");

    private static (LayeringSysroot Sysroot, LayeringAptRepository Repo, string BaseCommit) Deployed()
    {
        var sr = new LayeringSysroot();
        var repo = new LayeringAptRepository();
        repo.Add("libgreet");
        repo.Add("greet", fields: [("Depends", "libgreet (>= 1.0), bash")]);
        repo.Add("needs-missing", fields: [("Depends", "no-such-lib")]);
        repo.Add("anti-bash", fields: [("Conflicts", "bash")]);
        repo.Publish();
        string baseCommit = sr.Commit(sr.NewTree(BaseStatus), "1", LayeringSysroot.Branch, $"--add-metadata-string={RecordedSources.MetadataKey}={repo.Deb822}");
        sr.Deploy(LayeringSysroot.Branch);
        return (sr, repo, baseCommit);
    }

    private static string LocalDeb(LayeringSysroot sr, string name, string depends)
    {
        string path = sr.Temp($"{name}_1.0_all.deb");
        new DebBuilder { Timestamp = DateTimeOffset.FromUnixTimeSeconds(1_750_000_000) }
            .SetControlFields([
                new("Package", name), new("Version", "1.0"), new("Architecture", "all"), new("Depends", depends),
                new("Maintainer", "AptOstree Tests <tests@example.invalid>"), new("Description", "local layering test package"),
            ])
            .AddDirectory("usr").AddDirectory("usr/bin").AddFile($"usr/bin/{name}", $"#!/bin/sh\necho {name}\n", 0x1ED)
            .Build(path);
        return path;
    }

    [SkippableFact]
    public async Task Install_ByName_PullsDependenciesFromRecordedSourcesAndDeploys()
    {
        var (sr, repo, baseCommit) = Deployed();
        using var _ = sr;
        using var __ = repo;
        var layering = PackageLayering.Open(sr.Path);
        string before = sr.OstreeStatus().Text;

        var dry = await layering.InstallAsync(["greet"], new LayeringOptions { DryRun = true });
        Assert.Equal(["greet", "libgreet"], dry.Plan.Added.Select(p => p.Name));
        Assert.True(dry.Plan.DownloadSize > 0);
        Assert.Equal(["greet", "libgreet"], dry.Plan.ScriptsUnknown.Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.False(dry.Changed);
        Assert.Equal(before, sr.OstreeStatus().Text);

        var result = await layering.InstallAsync(["greet"]);
        Assert.Empty(result.Plan.Scripts);
        Assert.Empty(result.Plan.ScriptsUnknown);
        var (oracle, _) = sr.OstreeStatus();
        Assert.Equal([result.Commit!.Value.ToString(), baseCommit], oracle.Select(d => d.Commit));
        Assert.Equal(["base-files 12.4 amd64", "bash 5.2.15-2 amd64", "greet 1.0 amd64", "libgreet 1.0 amd64"], sr.DpkgQuery(oracle[0].Commit));
        string deployDir = $"{sr.Path}/ostree/deploy/{LayeringSysroot.Os}/deploy/{oracle[0].Commit}.{oracle[0].Serial}";
        Assert.Equal("greet 1.0\n", ExternalTool.Output("sh", $"{deployDir}/usr/bin/greet"));
        Assert.Contains("requested=greet;", File.ReadAllText($"{deployDir}.origin"), StringComparison.Ordinal);
        Assert.Equal([(PackageChangeKind.Added, "greet"), (PackageChangeKind.Added, "libgreet")],
            layering.Diff(Checksum.Parse(baseCommit), result.Commit.Value).Changes.Select(c => (c.Kind, c.Name)));
        var status = layering.GetStatus()[0];
        Assert.Equal(["greet"], status.Packages);
        Assert.Equal(["greet", "libgreet"], status.LayeredPackages.Select(p => p.Name));

        // Each .deb was imported once into its own package commit.
        string refs = LayeringSysroot.Ostree("refs", $"--repo={sr.Repo}");
        Assert.Contains("aptostree/pkg/greet/", refs, StringComparison.Ordinal);
        Assert.Contains("aptostree/pkg/libgreet/", refs, StringComparison.Ordinal);

        // A local .deb gets its dependencies checked the same way: satisfied by what is layered, or pulled from the sources.
        var local = await layering.InstallAsync([LocalDeb(sr, "uses-lib", "libgreet")]);
        Assert.Equal(["uses-lib"], local.Plan.Added.Select(p => p.Name));
        Assert.Equal(["greet", "libgreet", "uses-lib"], local.Plan.Layered.Select(p => p.Name));

        // An incremental build (from the previous layered commit) equals a full rebuild from the base.
        await layering.ResetAsync();
        var together = await layering.InstallAsync(["greet", LocalDeb(sr, "uses-lib", "libgreet")]);
        Assert.Equal(local.Commit, together.Commit);
    }

    [SkippableFact]
    public async Task Install_SourcesHaveNewerVersions_LayeredVersionsHeldUntilUpgradeAndVersionRequestsStay()
    {
        var (sr, repo, _) = Deployed();
        using var _1 = sr;
        using var _2 = repo;
        repo.Add("pinned", "1.0");
        repo.Add("pinned", "2.0");
        repo.Publish();
        var layering = PackageLayering.Open(sr.Path);
        await layering.InstallAsync(["greet", "pinned=1.0", LocalDeb(sr, "uses-lib", "libgreet")]);

        // The sources move on: greet and libgreet 2.0.
        repo.Add("libgreet", "2.0");
        repo.Add("greet", "2.0", fields: [("Depends", "libgreet (>= 2.0), bash")]);
        repo.Add("extra");
        repo.Publish();

        // Another install keeps what is layered at its version: only extra is added.
        var extra = await layering.InstallAsync(["extra"]);
        Assert.Equal(["extra"], extra.Plan.Added.Select(p => p.Name));
        Assert.Equal(["base-files 12.4 amd64", "bash 5.2.15-2 amd64", "extra 1.0 amd64", "greet 1.0 amd64", "libgreet 1.0 amd64", "pinned 1.0 amd64", "uses-lib 1.0 all"],
            sr.DpkgQuery(extra.Commit!.Value.ToString()));

        // upgrade re-resolves names against the new base and the sources as they are now; a version request and a local .deb stay.
        string newStatus = LayeringSysroot.Stanza("base-files", "12.5") + LayeringSysroot.Stanza("bash", "5.2.15-2");
        sr.Commit(sr.NewTree(newStatus), "2", LayeringSysroot.Branch, $"--add-metadata-string={RecordedSources.MetadataKey}={repo.Deb822}");
        var upgraded = await layering.UpgradeAsync();
        Assert.Equal(["base-files 12.5 amd64", "bash 5.2.15-2 amd64", "extra 1.0 amd64", "greet 2.0 amd64", "libgreet 2.0 amd64", "pinned 1.0 amd64", "uses-lib 1.0 all"],
            sr.DpkgQuery(upgraded.Commit!.Value.ToString()));
        Assert.Contains("requested=extra;greet;pinned=1.0;", File.ReadAllText(DeploymentOrigin(sr)), StringComparison.Ordinal);

        // uninstall by name drops a version request too.
        var removed = await layering.UninstallAsync(["pinned"]);
        Assert.Equal(["pinned 1.0 amd64"], removed.Plan.Removed.Select(p => p.ToString()));
        Assert.Contains("requested=extra;greet;\n", File.ReadAllText(DeploymentOrigin(sr)), StringComparison.Ordinal);
    }

    private static string DeploymentOrigin(LayeringSysroot sr)
    {
        var d = sr.OstreeStatus().Deployments[0];
        return $"{sr.Path}/ostree/deploy/{LayeringSysroot.Os}/deploy/{d.Commit}.{d.Serial}.origin";
    }

    [SkippableFact]
    public async Task Install_UnsatisfiableMissingOrConflicting_SolverErrorAndNothingDeployed()
    {
        var (sr, repo, _) = Deployed();
        using var _1 = sr;
        using var _2 = repo;
        var layering = PackageLayering.Open(sr.Path);
        string before = sr.OstreeStatus().Text;

        var unsat = await Assert.ThrowsAsync<AptOstreeException>(() => layering.InstallAsync(["needs-missing"]));
        Assert.Equal(LayeringErrorCodes.UnsatisfiedDependencies, unsat.ErrorCode);
        Assert.Contains("no-such-lib", unsat.Message, StringComparison.Ordinal);

        var missing = await Assert.ThrowsAsync<AptOstreeException>(() => layering.InstallAsync(["no-such-package"]));
        Assert.Equal(LayeringErrorCodes.PackageNotFound, missing.ErrorCode);
        Assert.Contains("no-such-package", missing.Message, StringComparison.Ordinal);

        var conflict = await Assert.ThrowsAsync<AptOstreeException>(() => layering.InstallAsync(["anti-bash"]));
        Assert.Equal(LayeringErrorCodes.UnsatisfiedDependencies, conflict.ErrorCode);
        Assert.Contains("anti-bash", conflict.Message, StringComparison.Ordinal);
        Assert.Contains("bash", conflict.Message.Replace("anti-bash", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);

        var localUnsat = await Assert.ThrowsAsync<AptOstreeException>(() => layering.InstallAsync([LocalDeb(sr, "wants-absent", "absent-lib (>= 2)")]));
        Assert.Equal(LayeringErrorCodes.UnsatisfiedDependencies, localUnsat.ErrorCode);
        Assert.Contains("absent-lib", localUnsat.Message, StringComparison.Ordinal);

        Assert.Equal(before, sr.OstreeStatus().Text);
    }

    [SkippableFact]
    public async Task Upgrade_NewBaseOnOriginRef_LayeredPackagesKeptAndDbDiffShowsBaseChange()
    {
        var (sr, repo, baseCommit) = Deployed();
        using var _1 = sr;
        using var _2 = repo;
        var layering = PackageLayering.Open(sr.Path);
        var layered = await layering.InstallAsync(["greet"]);
        Assert.False((await layering.UpgradeAsync()).Changed);

        string newStatus = LayeringSysroot.Stanza("base-files", "12.5") + LayeringSysroot.Stanza("bash", "5.2.15-2");
        string newBase = sr.Commit(sr.NewTree(newStatus), "2", LayeringSysroot.Branch, $"--add-metadata-string={RecordedSources.MetadataKey}={repo.Deb822}");
        var dry = await layering.UpgradeAsync(new LayeringOptions { DryRun = true });
        Assert.Equal(newBase, dry.Plan.Base.ToString());
        Assert.False(dry.Changed);

        var upgraded = await layering.UpgradeAsync();
        Assert.True(upgraded.Changed);
        var (oracle, text) = sr.OstreeStatus();
        Assert.Equal([upgraded.Commit!.Value.ToString(), layered.Commit!.Value.ToString()], oracle.Select(d => d.Commit));
        Assert.Contains("Version: 2", text, StringComparison.Ordinal);
        Assert.Equal(["base-files 12.5 amd64", "bash 5.2.15-2 amd64", "greet 1.0 amd64", "libgreet 1.0 amd64"], sr.DpkgQuery(oracle[0].Commit));
        Assert.Equal([(PackageChangeKind.Upgraded, "base-files")], layering.Diff(layered.Commit.Value, upgraded.Commit.Value).Changes.Select(c => (c.Kind, c.Name)));
        var status = layering.GetStatus()[0];
        Assert.Equal(newBase, status.BaseChecksum);
        Assert.Equal(["greet"], status.Packages);
        Assert.NotEqual(baseCommit, newBase);
    }
}
