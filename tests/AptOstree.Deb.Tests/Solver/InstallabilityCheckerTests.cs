using AptOstree.Deb.Apt;
using AptOstree.Deb.Solver;
using AptOstree.Testing;
using Xunit.Abstractions;

namespace AptOstree.Deb.Tests.Solver;

/// <summary>Whole-archive installability of the host's bookworm main index equals dose-distcheck's broken list.</summary>
public sealed class InstallabilityCheckerTests(ITestOutputHelper output)
{
    [SkippableFact]
    public void Broken_packages_of_bookworm_main_equal_dose_distcheck()
    {
        ExternalTool.Require("dose-debcheck");
        var index = AptListsDirectory.FindPackagesIndexes(HostAptLists.Snapshot)
            .Where(p => Path.GetFileName(p).Contains("_dists_bookworm_main_binary-", StringComparison.Ordinal))
            .OrderBy(p => p.Length).FirstOrDefault();
        Skip.If(index is null, "No bookworm main Packages index in /var/lib/apt/lists.");
        using var dir = new TempDirectory();
        string plain = dir.Combine("Packages");
        File.WriteAllBytes(plain, IndexCompressionFormats.ReadAllDecoded(index!));
        string arch = AptListsDirectory.NativeArchitecture;

        var dose = ExternalTool.Run("dose-debcheck", ["--deb-native-arch=" + arch, "--failures", plain]);
        var expected = new SortedSet<string>(StringComparer.Ordinal);
        // YAML report: each top-level entry is " -" followed by "  package: …" and "  version: …" at two spaces.
        string? package = null;
        foreach (var line in dose.StandardOutput.Split('\n'))
        {
            if (line.StartsWith("  package: ", StringComparison.Ordinal))
            {
                package = line["  package: ".Length..].Trim();
            }
            else if (package is not null && line.StartsWith("  version: ", StringComparison.Ordinal))
            {
                expected.Add($"{package} {line["  version: ".Length..].Trim()}");
                package = null;
            }
        }

        var universe = PackageUniverse.Create(PackagesIndexReader.ReadFile(plain, null), arch);
        var report = new InstallabilityChecker(universe).CheckAll();
        var actual = new SortedSet<string>(report.Broken.Select(p => $"{p.Name} {p.Version}"), StringComparer.Ordinal);
        output.WriteLine($"dose-debcheck: {expected.Count} broken; ours: {actual.Count} broken, {report.Undetermined.Count} undetermined, {report.Checked} checked.");
        output.WriteLine("only dose: " + string.Join(", ", expected.Except(actual)));
        output.WriteLine("only ours: " + string.Join(", ", actual.Except(expected)));
        Assert.NotEmpty(expected);
        Assert.Empty(report.Undetermined);
        Assert.Equal(expected, actual);
    }
}
