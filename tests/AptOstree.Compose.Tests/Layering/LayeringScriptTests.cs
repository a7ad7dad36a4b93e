using AptOstree.Compose.Layering;
using AptOstree.Deb;
using AptOstree.Testing;

namespace AptOstree.Compose.Tests.Layering;

/// <summary>
/// Maintainer scripts of layered packages, run in the script sandbox over a composed bookworm minbase (+ adduser):
/// a postinst that runs <c>adduser --system</c>, a failing postinst; checked with <c>ostree admin status</c>,
/// <c>dpkg-query --admindir</c> and <c>getent</c> run by <c>chroot</c> inside the new deployment.
/// </summary>
public sealed class LayeringScriptTests(LayeringComposedBase composed) : IClassFixture<LayeringComposedBase>
{
    private static string ScriptedDeb(LayeringSysroot sr, string name, string postinst)
    {
        string path = sr.Temp($"{name}_1.0_all.deb");
        new DebBuilder { Timestamp = DateTimeOffset.FromUnixTimeSeconds(1_750_000_000) }
            .SetControlFields([
                new("Package", name), new("Version", "1.0"), new("Architecture", "all"), new("Depends", "adduser"),
                new("Maintainer", "AptOstree Tests <tests@example.invalid>"), new("Description", "layering script test package"),
            ])
            .AddDirectory("usr").AddDirectory("usr/bin").AddFile($"usr/bin/{name}", $"#!/bin/sh\necho {name}\n", 0x1ED)
            .AddMaintainerScript("postinst", postinst)
            .Build(path);
        return path;
    }

    private static string DeployDir(LayeringSysroot sr)
    {
        var d = sr.OstreeStatus().Deployments[0];
        return $"{sr.Path}/ostree/deploy/{LayeringSysroot.Os}/deploy/{d.Commit}.{d.Serial}";
    }

    [SkippableFact]
    public async Task Install_PostinstAddsSystemUser_UserExistsInNewDeploymentAndSurvivesUpgrade()
    {
        composed.Require();
        using var sr = new LayeringSysroot();
        string baseCommit = composed.DeployInto(sr);
        var layering = PackageLayering.Open(sr.Path);
        var options = new LayeringOptions { ListsDirectory = composed.ListsDirectory };
        string before = sr.OstreeStatus().Text;

        // A failing postinst: a clear error naming the package and script, nothing deployed.
        var failing = await Assert.ThrowsAsync<AptOstreeException>(() => layering.InstallAsync([ScriptedDeb(sr, "fails-postinst", "#!/bin/sh\necho broken >&2\nexit 3\n")], options));
        Assert.Equal(LayeringErrorCodes.ScriptFailed, failing.ErrorCode);
        Assert.Contains("fails-postinst.postinst", failing.Message, StringComparison.Ordinal);
        Assert.Equal(before, sr.OstreeStatus().Text);

        string postinst = "#!/bin/sh\nset -e\nif [ \"$1\" = configure ]; then\n  adduser --system --group --no-create-home --home /nonexistent aosvc\nfi\n";
        string svcUser = ScriptedDeb(sr, "svc-user", postinst);
        Assert.Equal(["svc-user.postinst"], (await layering.InstallAsync([svcUser], options with { DryRun = true })).Plan.Scripts);
        var result = await layering.InstallAsync([svcUser], options);
        Assert.True(result.Changed);
        Assert.Equal(["svc-user.postinst"], result.Plan.Scripts);
        var (oracle, _) = sr.OstreeStatus();
        Assert.Equal([result.Commit!.Value.ToString(), baseCommit], oracle.Select(d => d.Commit));
        string dir = DeployDir(sr);
        Assert.StartsWith("aosvc:x:", ExternalTool.Output("chroot", dir, "getent", "passwd", "aosvc"), StringComparison.Ordinal);
        Assert.StartsWith("aosvc:x:", ExternalTool.Output("chroot", dir, "getent", "group", "aosvc"), StringComparison.Ordinal);
        Assert.Contains("\naosvc:", File.ReadAllText($"{dir}/usr/etc/passwd"), StringComparison.Ordinal);
        Assert.Equal("install ok installed", ExternalTool.Output("dpkg-query", $"--admindir={dir}/usr/share/dpkg/database", "-W", "-f", "${Status}", "svc-user"));
        Assert.Equal("svc-user\n", ExternalTool.Output("chroot", dir, "svc-user"));

        // A new base (the origin's ref moved): the layered package is re-applied on it, its postinst runs again.
        string newBase = composed.DeployInto(sr, version: "2", deploy: false);
        var upgraded = await layering.UpgradeAsync(options);
        Assert.True(upgraded.Changed);
        Assert.Equal(newBase, upgraded.Plan.Base.ToString());
        Assert.Equal(["svc-user"], upgraded.Plan.Layered.Select(p => p.Name));
        string upgradedDir = DeployDir(sr);
        Assert.NotEqual(dir, upgradedDir);
        Assert.StartsWith("aosvc:x:", ExternalTool.Output("chroot", upgradedDir, "getent", "passwd", "aosvc"), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Install_PackageWithFileTriggerInterest_LaterLayeredPackageActivatesIt()
    {
        composed.Require();
        using var sr = new LayeringSysroot();
        composed.DeployInto(sr);
        var layering = PackageLayering.Open(sr.Path);
        var options = new LayeringOptions { ListsDirectory = composed.ListsDirectory };
        static string Deb(LayeringSysroot sr, string name, Action<DebBuilder> customize)
        {
            string path = sr.Temp($"{name}_1.0_all.deb");
            var builder = new DebBuilder { Timestamp = DateTimeOffset.FromUnixTimeSeconds(1_750_000_000) }
                .SetControlFields([
                    new("Package", name), new("Version", "1.0"), new("Architecture", "all"),
                    new("Maintainer", "AptOstree Tests <tests@example.invalid>"), new("Description", "layering trigger test package"),
                ])
                .AddDirectory("usr").AddDirectory("usr/share");
            customize(builder);
            builder.Build(path);
            return path;
        }

        string owner = Deb(sr, "hook-owner", d => d
            .AddDirectory("usr/share/aotest-hooks")
            .AddControlFile("triggers", "interest /usr/share/aotest-hooks\n"u8.ToArray())
            .AddMaintainerScript("postinst", "#!/bin/sh\nset -e\nif [ \"$1\" = triggered ]; then echo \"$2\" >> /etc/aotest-triggered; fi\n"));
        string user = Deb(sr, "hook-user", d => d.AddDirectory("usr/share/aotest-hooks").AddFile("usr/share/aotest-hooks/user.hook", "hook\n"));

        await layering.InstallAsync([owner], options);
        string dir = DeployDir(sr);
        Assert.Contains("/usr/share/aotest-hooks hook-owner\n", File.ReadAllText($"{dir}/usr/share/dpkg/database/triggers/File"), StringComparison.Ordinal);
        Assert.False(File.Exists($"{dir}/usr/etc/aotest-triggered"));

        // hook-user's file lies under hook-owner's interest: the plan names the trigger, then dpkg runs hook-owner's postinst with "triggered".
        var dryRun = await layering.InstallAsync([user], options with { DryRun = true });
        Assert.Equal(["/usr/share/aotest-hooks (hook-owner)"], dryRun.Plan.Triggers.Select(t => t.ToString()));
        Assert.Equal(dir, DeployDir(sr));
        var installed = await layering.InstallAsync([user], options);
        Assert.Equal(dryRun.Plan.Triggers, installed.Plan.Triggers, (a, b) => a.Name == b.Name && a.Interested.SequenceEqual(b.Interested));
        string after = DeployDir(sr);
        Assert.Equal("/usr/share/aotest-hooks\n", File.ReadAllText($"{after}/usr/etc/aotest-triggered"));
        Assert.Equal("install ok installed", ExternalTool.Output("dpkg-query", $"--admindir={after}/usr/share/dpkg/database", "-W", "-f", "${Status}", "hook-owner"));
    }

    [SkippableFact]
    public async Task Install_BasePathFiltersSkipEveryActivatingPath_TriggerStillRunsAsDpkg()
    {
        composed.Require();
        string[] rules = ["path-exclude=/usr/share/doc/*", "path-include=/usr/share/doc/*/copyright", "path-exclude=/usr/share/man/*"];
        using var sr = new LayeringSysroot();
        composed.DeployInto(sr, extraFiles: new Dictionary<string, string> { ["usr/etc/dpkg/dpkg.cfg.d/aptostree-path-filters"] = string.Join('\n', rules) + "\n" });
        var layering = PackageLayering.Open(sr.Path);
        var options = new LayeringOptions { ListsDirectory = composed.ListsDirectory };
        static string Deb(LayeringSysroot sr, string name, Action<DebBuilder> customize)
        {
            string path = sr.Temp($"{name}_1.0_all.deb");
            var builder = new DebBuilder { Timestamp = DateTimeOffset.FromUnixTimeSeconds(1_750_000_000) }
                .SetControlFields([
                    new("Package", name), new("Version", "1.0"), new("Architecture", "all"),
                    new("Maintainer", "AptOstree Tests <tests@example.invalid>"), new("Description", "layering trigger test package"),
                ])
                .AddDirectory("usr").AddDirectory("usr/share").AddDirectory("usr/share/man").AddDirectory("usr/share/man/man1");
            customize(builder);
            builder.Build(path);
            return path;
        }

        // man-owner is interested in /usr/share/man/man1; man-only ships a manual page there, which the base's filters skip.
        string owner = Deb(sr, "man-owner", d => d
            .AddControlFile("triggers", "interest-noawait /usr/share/man/man1\n"u8.ToArray())
            .AddMaintainerScript("postinst", "#!/bin/sh\nset -e\nif [ \"$1\" = triggered ]; then echo \"$2\" >> /etc/aotest-man-triggered; fi\n"));
        string manOnly = Deb(sr, "man-only", d => d.AddFile("usr/share/man/man1/man-only.1", ".TH MAN-ONLY 1\n"));

        // The oracle: dpkg itself (man-owner configured, man-only unpacked with the same rules and --no-triggers) skips the
        // page but keeps it in man-only's file list, and activates the trigger by it.
        ExternalTool.Require("dpkg", "dpkg-query");
        string root = sr.Temp("dpkg-root");
        Directory.CreateDirectory($"{root}/var/lib/dpkg/info");
        Directory.CreateDirectory($"{root}/var/lib/dpkg/updates");
        File.WriteAllText($"{root}/var/lib/dpkg/status", string.Empty);
        ExternalTool.Run("dpkg", [$"--root={root}", "--force-script-chrootless", "--install", owner]).EnsureSuccess("dpkg --install man-owner");
        ExternalTool.Run("dpkg", [$"--root={root}", "--force-script-chrootless", "--no-triggers", .. rules.Select(r => "--" + r), "--unpack", manOnly])
            .EnsureSuccess("dpkg --unpack man-only");
        Assert.False(File.Exists($"{root}/usr/share/man/man1/man-only.1"));
        Assert.Equal("install ok triggers-pending| /usr/share/man/man1",
            ExternalTool.Output("dpkg-query", $"--admindir={root}/var/lib/dpkg", "-W", "-f", "${Status}|${Triggers-Pending}", "man-owner"));

        await layering.InstallAsync([owner], options);
        var dryRun = await layering.InstallAsync([manOnly], options with { DryRun = true });
        Assert.Equal(["/usr/share/man/man1 (man-owner)"], dryRun.Plan.Triggers.Select(t => t.ToString()));
        await layering.InstallAsync([manOnly], options);
        string dir = DeployDir(sr);
        Assert.False(File.Exists($"{dir}/usr/share/man/man1/man-only.1"));
        Assert.Equal("/usr/share/man/man1\n", File.ReadAllText($"{dir}/usr/etc/aotest-man-triggered"));
    }
}
