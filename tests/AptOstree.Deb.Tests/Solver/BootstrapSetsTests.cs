using AptOstree.Deb.Solver;
using AptOstree.Testing;
using Xunit.Abstractions;

namespace AptOstree.Deb.Tests.Solver;

/// <summary>Bootstrap sets equal <c>mmdebstrap --variant=X --dry-run</c>'s on the host's sources and indexes.</summary>
public sealed class BootstrapSetsTests(ITestOutputHelper output)
{
    [SkippableTheory]
    [InlineData("essential")]
    [InlineData("minbase")]
    [InlineData("important")]
    [InlineData("standard")]
    public void Variant_equals_mmdebstrap_dry_run(string variant)
    {
        ExternalTool.Require("mmdebstrap");
        var universe = HostUniverse.Get();
        var sources = Directory.EnumerateFiles("/etc/apt/sources.list.d", "*.sources").Concat(Directory.EnumerateFiles("/etc/apt/sources.list.d", "*.list"))
            .Append("/etc/apt/sources.list").FirstOrDefault(f => File.Exists(f) && new FileInfo(f).Length > 0);
        Skip.If(sources is null, "The host has no apt sources file.");
        string suite = universe.Packages.Where(p => p.Origin?.Codename is not null).GroupBy(p => p.Origin!.Codename!).MaxBy(g => g.Count())?.Key ?? "bookworm";
        using var dir = new TempDirectory();
        var run = ExternalTool.Run("mmdebstrap", ["--verbose", "--variant=" + variant, "--dry-run", "--mode=root", suite, dir.Combine("out.tar"), sources!], timeout: TimeSpan.FromMinutes(5));
        Skip.If(run.ExitCode != 0, $"mmdebstrap failed (exit {run.ExitCode}): {run.StandardError[^Math.Min(400, run.StandardError.Length)..]}");
        var expected = (run.StandardError + run.StandardOutput).Split('\n').Where(l => l.StartsWith("Inst ", StringComparison.Ordinal))
            .Select(l => l.Split(' ')[1].Split(':')[0]).ToHashSet();

        var ours = BootstrapSets.Resolve(universe, BootstrapSets.ParseVariant(variant)).Installed.Select(p => p.Name).ToHashSet();
        output.WriteLine($"{variant}: mmdebstrap {expected.Count}, ours {ours.Count}");
        output.WriteLine("only mmdebstrap: " + string.Join(' ', expected.Except(ours).Order()));
        output.WriteLine("only ours: " + string.Join(' ', ours.Except(expected).Order()));
        Assert.NotEmpty(expected);
        Assert.Equal(expected.Order(), ours.Order());
    }
}
