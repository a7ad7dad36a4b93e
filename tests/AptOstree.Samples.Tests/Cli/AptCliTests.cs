using System.Text.Json;
using AptOstree.Testing;

namespace AptOstree.Samples.Tests.Cli;

/// <summary>`apt-ostree apt resolve` on a snapshot of the host's APT lists, with apt-get's simulation on the same snapshot as the oracle.</summary>
public class AptCliTests
{
    [SkippableFact]
    public void ResolveJson_InstallHelloIntoAnEmptyRoot_MatchesAptGetSimulation()
    {
        ExternalTool.Require("apt-get");
        string lists = HostAptLists.Snapshot;
        var sim = ExternalTool.Run("apt-get", ["-s", .. HostAptLists.AptGetOptions, "-o", "Dir::State::status=/dev/null", "-o", "Debug::NoLocking=1", "install", "hello"]);
        Skip.If(sim.ExitCode != 0 || !sim.StandardOutput.Contains("Inst hello ", StringComparison.Ordinal), $"hello is not installable from the host's apt lists: {sim.StandardError}");
        var expected = sim.StandardOutput.Split('\n')
            .Where(l => l.StartsWith("Inst ", StringComparison.Ordinal))
            .Select(l => l.Split(' ')[1])
            .ToHashSet(StringComparer.Ordinal);

        var result = SampleTools.AptOstree("apt", "resolve", "--json", "--lists", lists, "--status", "none", "install", "hello");
        Assert.True(result.ExitCode == 0, result.StandardError);
        using var doc = JsonDocument.Parse(result.StandardOutput);
        var install = doc.RootElement.GetProperty("install").EnumerateArray().ToList();
        var names = install.Select(p => p.GetProperty("package").GetString()!).ToHashSet(StringComparer.Ordinal);

        Assert.Contains("hello", names);
        Assert.Contains("libc6", names);
        Assert.Equal(expected.Order(StringComparer.Ordinal), names.Order(StringComparer.Ordinal));
        Assert.Empty(doc.RootElement.GetProperty("remove").EnumerateArray());
        Assert.Equal(install.Sum(p => p.GetProperty("size").GetInt64()), doc.RootElement.GetProperty("downloadSize").GetInt64());
        // Install order: libc6 is unpacked before hello, which depends on it.
        var order = install.Select(p => p.GetProperty("package").GetString()).ToList();
        Assert.True(order.IndexOf("libc6") < order.IndexOf("hello"), string.Join(' ', order));
    }

    [SkippableFact]
    public void ResolveUnknownPackage_OneLineErrorAndExitCode2()
    {
        string lists = HostAptLists.Snapshot;
        OstreeCliTests.AssertOneLineError(SampleTools.AptOstree("apt", "resolve", "--lists", lists, "--status", "none", "install", "no-such-package-aptostree-test"), "AO4");
    }

    [Theory]
    [InlineData("update")]
    [InlineData("resolve")]
    [InlineData("download")]
    [InlineData("check")]
    public void Help_EveryListsVerb_HasOneDefaultListDirectory(string verb)
    {
        var result = SampleTools.AptOstree("apt", verb, "--help");
        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Contains("--cache, --lists <lists>", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("[default: /var/lib/apt/lists]", result.StandardOutput, StringComparison.Ordinal);
    }
}
