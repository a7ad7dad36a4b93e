using System.Text.Json;
using AptOstree.Testing;

namespace AptOstree.Samples.Tests.Cli;

/// <summary>`apt-ostree admin …` on sysroots that the real `ostree admin` then reads (and the other way round).</summary>
public class AdminCliTests
{
    private const string Os = "myos";
    private const string Branch = "myos/stable";

    /// <summary>ostree admin would otherwise chattr +i the deployments, which the temp directory cleanup cannot undo.</summary>
    private static readonly Dictionary<string, string> AdminEnvironment = new() { ["OSTREE_SYSROOT_DEBUG"] = "mutable-deployments" };

    [SkippableFact]
    public void InitFsOsInitDeploy_RealOstreeAdminStatusShowsOurDeployment()
    {
        using var tmp = new TempDirectory("aptostree-clisysroot-");
        var commit = PrepareSource(tmp, out var source);
        var sr = tmp.Combine("sr");

        Ok(SampleTools.AptOstree("admin", "init-fs", "--modern", sr));
        Assert.True(Directory.Exists(Path.Combine(sr, "ostree", "repo", "objects")));
        Assert.Equal($"ostree/deploy/{Os} initialized as OSTree root\n", Ok(SampleTools.AptOstree("admin", $"--sysroot={sr}", "os-init", Os)));
        Ostree($"--repo={sr}/ostree/repo", "pull-local", source, Branch);
        var deployed = Ok(SampleTools.AptOstree("admin", $"--sysroot={sr}", "deploy", $"--os={Os}", Branch));
        Assert.Contains($"{commit}.0", deployed, StringComparison.Ordinal);

        var status = Ostree("admin", "status", $"--sysroot={sr}");
        Assert.Contains($"{Os} {commit}.0", status, StringComparison.Ordinal);
        Assert.Contains("Version: 1.0", status, StringComparison.Ordinal);
        Assert.Contains($"origin refspec: {Branch}", status, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(sr, "ostree", "deploy", Os, "deploy", $"{commit}.0", "usr", "lib", "os-release")));

        var json = StatusJson(sr);
        var only = Assert.Single(json);
        AssertDeployment(only, commit);
    }

    [SkippableFact]
    public void StatusJson_ReadsADeploymentMadeByRealOstreeAdmin()
    {
        using var tmp = new TempDirectory("aptostree-clisysroot-");
        var commit = PrepareSource(tmp, out var source);
        var sr = tmp.Combine("sr");
        Directory.CreateDirectory(sr);
        Ostree("admin", "init-fs", "--modern", sr);
        Ostree("admin", "os-init", $"--sysroot={sr}", Os);
        Ostree($"--repo={sr}/ostree/repo", "pull-local", source, Branch);
        Ostree("admin", "deploy", $"--sysroot={sr}", $"--os={Os}", "--karg=quiet", Branch);

        var only = Assert.Single(StatusJson(sr));
        AssertDeployment(only, commit);
        Assert.Equal("quiet", only.GetProperty("kargs").GetString());

        var text = Ok(SampleTools.AptOstree("admin", $"--sysroot={sr}", "status"));
        Assert.Contains($"{Os} {commit}.0", text, StringComparison.Ordinal);
    }

    [Fact]
    public void StatusOnADirectoryThatIsNoSysroot_OneLineErrorAndExitCode2()
    {
        using var tmp = new TempDirectory();
        OstreeCliTests.AssertOneLineError(SampleTools.AptOstree("admin", $"--sysroot={tmp.Path}", "status"), "AO5");
    }

    private static void AssertDeployment(JsonElement d, string commit)
    {
        Assert.Equal(0, d.GetProperty("index").GetInt32());
        Assert.Equal(Os, d.GetProperty("stateroot").GetString());
        Assert.Equal(commit, d.GetProperty("checksum").GetString());
        Assert.Equal(0, d.GetProperty("serial").GetInt32());
        Assert.Equal("1.0", d.GetProperty("version").GetString());
        Assert.Equal(Branch, d.GetProperty("origin").GetString());
        Assert.False(d.GetProperty("booted").GetBoolean());
        Assert.False(d.GetProperty("staged").GetBoolean());
        Assert.Matches("^[0-9a-f]{64}$", d.GetProperty("bootcsum").GetString()!);
    }

    private static List<JsonElement> StatusJson(string sysroot)
    {
        using var doc = JsonDocument.Parse(Ok(SampleTools.AptOstree("admin", $"--sysroot={sysroot}", "status", "--json")));
        return doc.RootElement.GetProperty("deployments").EnumerateArray().Select(e => e.Clone()).ToList();
    }

    /// <summary>A bootable commit (kernel under usr/lib/modules, os-release, usr/etc) in a bare-user source repo.</summary>
    private static string PrepareSource(TempDirectory tmp, out string source)
    {
        ExternalTool.Require("ostree");
        Skip.IfNot(Environment.UserName == "root", "ostree admin on a bare sysroot repo needs root.");
        var tree = tmp.Combine("tree");
        Directory.CreateDirectory($"{tree}/usr/lib/modules/5.10.0");
        Directory.CreateDirectory($"{tree}/usr/etc");
        Directory.CreateDirectory($"{tree}/usr/bin");
        File.WriteAllText($"{tree}/usr/lib/modules/5.10.0/vmlinuz", "kernel-1");
        File.WriteAllText($"{tree}/usr/lib/modules/5.10.0/initramfs.img", "initramfs-1");
        File.WriteAllText($"{tree}/usr/lib/os-release", "ID=myos\nPRETTY_NAME=\"My OS\"\n");
        File.WriteAllText($"{tree}/usr/etc/hostname", "default\n");
        source = tmp.Combine("src-repo");
        Ostree("init", $"--repo={source}", "--mode=bare-user");
        return Ostree("commit", $"--repo={source}", "-b", Branch, "--add-metadata-string=version=1.0", "--owner-uid=0", "--owner-gid=0", $"--tree=dir={tree}").Trim();
    }

    private static string Ostree(params string[] args) =>
        ExternalTool.Run("ostree", args, environment: AdminEnvironment).EnsureSuccess("ostree " + string.Join(' ', args)).StandardOutput;

    private static string Ok(ToolResult result)
    {
        Assert.True(result.ExitCode == 0, $"apt-ostree exited {result.ExitCode}: {result.StandardError}{result.StandardOutput}");
        return result.StandardOutput;
    }
}
