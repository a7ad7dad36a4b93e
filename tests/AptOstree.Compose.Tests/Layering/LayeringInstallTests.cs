using AptOstree.Compose.Layering;
using AptOstree.Deb;
using AptOstree.Testing;

namespace AptOstree.Compose.Tests.Layering;

/// <summary>install, uninstall, rollback and reset of local .deb files on a small deployed tree, checked with <c>ostree admin status</c> and <c>dpkg-query</c>.</summary>
public sealed class LayeringInstallTests
{
    internal static readonly string BaseStatus = LayeringSysroot.Stanza("base-files", "12.4") + LayeringSysroot.Stanza("bash", "5.2.15-2");

    internal static string BuildDeb(LayeringSysroot sr, string name, string version = "1.0", Action<DebBuilder>? customize = null)
    {
        var builder = new DebBuilder { Timestamp = DateTimeOffset.FromUnixTimeSeconds(1_750_000_000) }
            .SetControlFields([
                new("Package", name), new("Version", version), new("Architecture", "all"), new("Installed-Size", "4"),
                new("Maintainer", "AptOstree Tests <tests@example.invalid>"), new("Description", "layering test package"),
            ])
            .AddDirectory("usr").AddDirectory("usr/bin").AddDirectory("etc")
            .AddFile($"usr/bin/{name}", $"#!/bin/sh\necho {name} {version}\n", 0x1ED)
            .AddFile($"etc/{name}.conf", "setting=1\n")
            .AddControlFile("conffiles", System.Text.Encoding.UTF8.GetBytes($"/etc/{name}.conf\n"));
        customize?.Invoke(builder);
        string path = sr.Temp($"{name}_{version}_all.deb");
        builder.Build(path);
        return path;
    }

    private static LayeringSysroot Deployed(out string baseCommit)
    {
        var sr = new LayeringSysroot();
        baseCommit = sr.Commit(sr.NewTree(BaseStatus), "1");
        sr.Deploy(LayeringSysroot.Branch);
        return sr;
    }

    [SkippableFact]
    public async Task Install_LocalDeb_SecondDeploymentWithPackageThenUninstallRollbackReset()
    {
        using var sr = Deployed(out string baseCommit);
        string deb = BuildDeb(sr, "mytool");
        var layering = PackageLayering.Open(sr.Path);

        var result = await layering.InstallAsync([deb]);
        Assert.True(result.Changed);
        var (oracle, text) = sr.OstreeStatus();
        Assert.Equal(2, oracle.Count);
        Assert.Equal(result.Commit!.Value.ToString(), oracle[0].Commit);
        Assert.Equal(baseCommit, oracle[1].Commit);
        Assert.Contains($"origin refspec: {LayeringSysroot.Branch}", text, StringComparison.Ordinal);

        string deployDir = $"{sr.Path}/ostree/deploy/{LayeringSysroot.Os}/deploy/{oracle[0].Commit}.{oracle[0].Serial}";
        Assert.Equal("mytool 1.0\n", ExternalTool.Output("sh", $"{deployDir}/usr/bin/mytool"));
        Assert.Equal("setting=1\n", File.ReadAllText($"{deployDir}/etc/mytool.conf"));
        Assert.Equal("setting=1\n", File.ReadAllText($"{deployDir}/usr/etc/mytool.conf"));
        string origin = File.ReadAllText($"{deployDir}.origin");
        Assert.Contains($"requested-local={result.Plan.RequestedLocalPackages[0].Sha256}:mytool_1.0_all;", origin, StringComparison.Ordinal);

        // dpkg-query sees it installed, with its files listed; db diff lists exactly it.
        Assert.Contains("mytool 1.0 all", sr.DpkgQuery(oracle[0].Commit));
        Assert.Equal("install ok installed", ExternalTool.Output("dpkg-query", $"--admindir={deployDir}/usr/share/dpkg/database", "-W", "-f", "${Status}", "mytool"));
        Assert.Contains("/usr/bin/mytool", ExternalTool.Output("dpkg-query", $"--admindir={deployDir}/usr/share/dpkg/database", "-L", "mytool"), StringComparison.Ordinal);
        var diff = layering.Diff(Checksum.Parse(baseCommit), result.Commit.Value);
        Assert.Equal([(PackageChangeKind.Added, "mytool")], diff.Changes.Select(c => (c.Kind, c.Name)));
        var status = layering.GetStatus()[0];
        Assert.Equal(baseCommit, status.BaseChecksum);
        Assert.Equal(["mytool"], status.Packages);

        // Installing the same file again changes nothing.
        Assert.False((await layering.InstallAsync([deb])).Changed);

        // A second package starts from the same base and keeps the first.
        string second = BuildDeb(sr, "othertool", "2.0");
        var both = await layering.InstallAsync([second]);
        Assert.Equal(["mytool", "othertool"], both.Plan.Layered.Select(p => p.Name));
        Assert.Equal(["othertool"], both.Plan.Added.Select(p => p.Name));
        // As ostree admin deploy on an offline sysroot: the new default and the one it was made from (the rollback target).
        Assert.Equal([both.Commit!.Value.ToString(), result.Commit.Value.ToString()], sr.OstreeStatus().Deployments.Select(d => d.Commit));

        // rollback makes the previous (mytool only) deployment the default.
        layering.Rollback();
        Assert.Equal(result.Commit.Value.ToString(), sr.OstreeStatus().Deployments[0].Commit);

        // uninstall from there: only othertool's absence is visible.
        var removed = await layering.UninstallAsync(["mytool"]);
        Assert.Equal(baseCommit, removed.Commit!.Value.ToString());
        Assert.Equal(baseCommit, sr.OstreeStatus().Deployments[0].Commit);
        Assert.Empty(layering.GetStatus()[0].RequestedLocalPackages);

        // reset after layering again returns to the base with an origin that requests nothing.
        await layering.InstallAsync([second]);
        var reset = await layering.ResetAsync();
        Assert.Equal(baseCommit, sr.OstreeStatus().Deployments[0].Commit);
        Assert.Equal(["othertool"], reset.Plan.Removed.Select(p => p.Name));
        Assert.DoesNotContain("[packages]", File.ReadAllText($"{sr.Path}/ostree/deploy/{LayeringSysroot.Os}/deploy/{baseCommit}.{sr.OstreeStatus().Deployments[0].Serial}.origin"), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Install_PackagesWithTriggerInterests_RegistryAsDpkgUnpackWritesIt()
    {
        ExternalTool.Require("dpkg");
        using var sr = new LayeringSysroot();
        string baseCommit = sr.Commit(sr.NewTree(BaseStatus, tree =>
        {
            Directory.CreateDirectory($"{tree}/usr/share/dpkg/database/triggers");
            File.WriteAllText($"{tree}/usr/share/dpkg/database/triggers/File", "/usr/lib/x86_64-linux-gnu/gdk-pixbuf-2.0 bash/noawait\n");
            File.WriteAllText($"{tree}/usr/share/dpkg/database/triggers/aotest-trig", "base-files\n");
            File.WriteAllText($"{tree}/usr/share/dpkg/database/triggers/Lock", string.Empty);
            File.WriteAllText($"{tree}/usr/share/dpkg/database/triggers/Unincorp", string.Empty);
        }), "1");
        sr.Deploy(LayeringSysroot.Branch);
        var layering = PackageLayering.Open(sr.Path);
        string a = BuildDeb(sr, "aotest-a", customize: d => d.AddControlFile("triggers", "interest /usr/share/aotest-hooks\ninterest-noawait /usr/lib/aotest\ninterest aotest-trig\n"u8.ToArray()));
        string b = BuildDeb(sr, "aotest-b", customize: d => d.AddControlFile("triggers", "# comment\ninterest-noawait aotest-trig\ninterest-await /usr/share/aotest-b\n"u8.ToArray()));

        // The oracle: dpkg --unpack of the same .debs, one after the other, into a copy of the base's database.
        string oracleRoot = sr.Temp("dpkg-root");
        Directory.CreateDirectory($"{oracleRoot}/var/lib");
        LayeringSysroot.Ostree("checkout", $"--repo={sr.Repo}", "--force-copy", "--subpath=/usr/share/dpkg/database", baseCommit, $"{oracleRoot}/var/lib/dpkg");
        Dictionary<string, string> DpkgUnpack(string deb)
        {
            ExternalTool.Run("dpkg", [$"--root={oracleRoot}", "--unpack", deb]).EnsureSuccess("dpkg --unpack " + deb);
            return Registry($"{oracleRoot}/var/lib/dpkg/triggers");
        }

        static Dictionary<string, string> Registry(string dir) =>
            Directory.EnumerateFiles(dir).Where(f => Path.GetFileName(f) is not ("Lock" or "Unincorp"))
                .ToDictionary(f => Path.GetFileName(f), File.ReadAllText, StringComparer.Ordinal);

        string DeployedTriggers()
        {
            var d = sr.OstreeStatus().Deployments[0];
            return $"{sr.Path}/ostree/deploy/{LayeringSysroot.Os}/deploy/{d.Commit}.{d.Serial}/usr/share/dpkg/database/triggers";
        }

        await layering.InstallAsync([a]);
        var afterA = DpkgUnpack(a);
        Assert.Equal("/usr/lib/x86_64-linux-gnu/gdk-pixbuf-2.0 bash/noawait\n/usr/share/aotest-hooks aotest-a\n/usr/lib/aotest aotest-a/noawait\n", afterA["File"]);
        Assert.Equal(afterA, Registry(DeployedTriggers()));

        var stepwise = await layering.InstallAsync([b]);
        Assert.Equal(DpkgUnpack(b), Registry(DeployedTriggers()));
        Assert.Equal("base-files\naotest-a\naotest-b/noawait\n", File.ReadAllText($"{DeployedTriggers()}/aotest-trig"));

        // A rebuild from the base registers the same interests.
        await layering.ResetAsync();
        Assert.Equal(stepwise.Commit, (await layering.InstallAsync([a, b])).Commit);
    }

    [SkippableFact]
    public async Task Install_BaseRecordsPathFilters_LayeredDocsAndLocalesFilteredAsDpkgDoes()
    {
        ExternalTool.Require("dpkg");
        string[] rules = ["path-exclude=/usr/share/locale/*", "path-include=/usr/share/locale/de/*", "path-exclude=/usr/share/doc/*", "path-include=/usr/share/doc/*/copyright"];
        using var sr = new LayeringSysroot();
        sr.Commit(sr.NewTree(BaseStatus, tree =>
        {
            Directory.CreateDirectory($"{tree}/usr/etc/dpkg/dpkg.cfg.d");
            File.WriteAllText($"{tree}/usr/etc/dpkg/dpkg.cfg.d/aptostree-path-filters", "# as a compose with documentation: false and install-langs: [de] writes it\n" + string.Join('\n', rules) + "\n");
        }), "1");
        sr.Deploy(LayeringSysroot.Branch);
        string deb = BuildDeb(sr, "doctool", customize: d => d
            .AddDirectory("usr/share").AddDirectory("usr/share/doc").AddDirectory("usr/share/doc/doctool")
            .AddFile("usr/share/doc/doctool/README", "read me\n").AddFile("usr/share/doc/doctool/copyright", "licence\n")
            .AddDirectory("usr/share/locale").AddDirectory("usr/share/locale/de").AddDirectory("usr/share/locale/de/LC_MESSAGES")
            .AddFile("usr/share/locale/de/LC_MESSAGES/doctool.mo", "de\n")
            .AddDirectory("usr/share/locale/fr").AddDirectory("usr/share/locale/fr/LC_MESSAGES")
            .AddFile("usr/share/locale/fr/LC_MESSAGES/doctool.mo", "fr\n"));

        await PackageLayering.Open(sr.Path).InstallAsync([deb]);

        // The oracle: dpkg --unpack with the same rules on the command line.
        string oracleRoot = sr.Temp("dpkg-root");
        Directory.CreateDirectory($"{oracleRoot}/var/lib/dpkg/info");
        Directory.CreateDirectory($"{oracleRoot}/var/lib/dpkg/updates");
        File.WriteAllText($"{oracleRoot}/var/lib/dpkg/status", string.Empty);
        ExternalTool.Run("dpkg", [$"--root={oracleRoot}", .. rules.Select(r => "--" + r), "--unpack", deb]).EnsureSuccess("dpkg --unpack " + deb);
        var d = sr.OstreeStatus().Deployments[0];
        string deployed = $"{sr.Path}/ostree/deploy/{LayeringSysroot.Os}/deploy/{d.Commit}.{d.Serial}";
        static List<string> Under(string root) =>
            Directory.EnumerateFileSystemEntries($"{root}/usr/share", "*", SearchOption.AllDirectories)
                .Select(p => p[root.Length..]).Where(p => p.StartsWith("/usr/share/doc", StringComparison.Ordinal) || p.StartsWith("/usr/share/locale", StringComparison.Ordinal))
                .Order(StringComparer.Ordinal).ToList();
        var expected = Under(oracleRoot);
        Assert.Contains("/usr/share/doc/doctool/copyright", expected);
        Assert.Contains("/usr/share/locale/de/LC_MESSAGES/doctool.mo", expected);
        Assert.DoesNotContain("/usr/share/locale/fr/LC_MESSAGES/doctool.mo", expected);
        Assert.Equal(expected, Under(deployed));
        Assert.DoesNotContain("/usr/share/doc/doctool/README", ExternalTool.Output("dpkg-query", $"--admindir={deployed}/usr/share/dpkg/database", "-L", "doctool"), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Install_FullRebuildFromBase_GivesSameTreeAsIncremental()
    {
        using var sr = Deployed(out _);
        var layering = PackageLayering.Open(sr.Path);
        string a = BuildDeb(sr, "atool"), b = BuildDeb(sr, "btool");
        await layering.InstallAsync([a]);
        var stepwise = await layering.InstallAsync([b]);
        await layering.ResetAsync();
        var together = await layering.InstallAsync([a, b]);
        Assert.Equal(stepwise.Commit, together.Commit);
    }

    [SkippableFact]
    public async Task Install_MissingOrConflicting_ClearErrorAndSysrootUnchanged()
    {
        using var sr = Deployed(out _);
        var layering = PackageLayering.Open(sr.Path);
        string before = sr.OstreeStatus().Text;

        var missing = await Assert.ThrowsAsync<AptOstreeException>(() => layering.InstallAsync(["no-such-package"]));
        Assert.Equal(LayeringErrorCodes.PackageNotFound, missing.ErrorCode);
        Assert.Contains("no-such-package", missing.Message, StringComparison.Ordinal);

        var inBase = await Assert.ThrowsAsync<AptOstreeException>(() => layering.InstallAsync([BuildDeb(sr, "bash", "9.9")]));
        Assert.Equal(LayeringErrorCodes.ConflictsWithBase, inBase.ErrorCode);
        Assert.Contains("bash", inBase.Message, StringComparison.Ordinal);

        string clash = BuildDeb(sr, "clash", customize: d => d.AddDirectory("usr/lib").AddFile("usr/lib/os-release", "ID=other\n"));
        var conflict = await Assert.ThrowsAsync<AptOstreeException>(() => layering.InstallAsync([clash]));
        Assert.Equal(LayeringErrorCodes.ConflictsWithBase, conflict.ErrorCode);
        Assert.Contains("/usr/lib/os-release", conflict.Message, StringComparison.Ordinal);
        Assert.Contains("clash", conflict.Message, StringComparison.Ordinal);

        Assert.Equal(before, sr.OstreeStatus().Text);
        string scripted = BuildDeb(sr, "drytool", customize: d => d.AddMaintainerScript("preinst", "#!/bin/sh\nexit 0\n").AddMaintainerScript("postinst", "#!/bin/sh\nexit 0\n"));
        var dry = await layering.InstallAsync([scripted, BuildDeb(sr, "quiettool")], new LayeringOptions { DryRun = true });
        Assert.Equal(["drytool", "quiettool"], dry.Plan.Added.Select(p => p.Name));
        Assert.Equal(["drytool.preinst", "drytool.postinst"], dry.Plan.Scripts);
        Assert.Empty(dry.Plan.ScriptsUnknown);
        Assert.False(dry.Changed);
        Assert.Equal(before, sr.OstreeStatus().Text);
    }

    [SkippableFact]
    public async Task Install_UserChangedEtc_ChangeSurvivesInNewDeploymentAndVarUntouched()
    {
        using var sr = Deployed(out string baseCommit);
        var (before, _) = sr.OstreeStatus();
        string oldDir = $"{sr.Path}/ostree/deploy/{LayeringSysroot.Os}/deploy/{before[0].Commit}.{before[0].Serial}";
        File.WriteAllText($"{oldDir}/etc/hostname", "changed-by-user\n");
        string varDir = $"{sr.Path}/ostree/deploy/{LayeringSysroot.Os}/var";
        var varBefore = Directory.EnumerateFileSystemEntries(varDir, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();

        var result = await PackageLayering.Open(sr.Path).InstallAsync([BuildDeb(sr, "mytool")]);

        var (after, _) = sr.OstreeStatus();
        Assert.Equal(result.Commit!.Value.ToString(), after[0].Commit);
        string newDir = $"{sr.Path}/ostree/deploy/{LayeringSysroot.Os}/deploy/{after[0].Commit}.{after[0].Serial}";
        Assert.Equal("changed-by-user\n", File.ReadAllText($"{newDir}/etc/hostname"));
        Assert.Equal("test\n", File.ReadAllText($"{newDir}/usr/etc/hostname"));
        Assert.Equal(varBefore, Directory.EnumerateFileSystemEntries(varDir, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList());
    }
}
