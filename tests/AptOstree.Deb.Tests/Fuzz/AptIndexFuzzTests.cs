using System.Text;
using AptOstree.Deb.Apt;
using AptOstree.Deb.Dpkg;
using AptOstree.Deb.Solver;
using AptOstree.Testing;
using Xunit.Abstractions;

namespace AptOstree.Deb.Tests.Fuzz;

/// <summary>
/// Mutation fuzzing of the APT-side readers: Release (fields, dates, SHA256 list), cleartext-signed InRelease,
/// Packages indexes through both readers and on into a universe and the installability check, dpkg status files,
/// EDSP scenarios through the whole external-solver path, and deb822 sources.
/// </summary>
public sealed class AptIndexFuzzTests(ITestOutputHelper output)
{
    [Fact]
    public void Release_files()
    {
        var random = new Random(901);
        FuzzHarness.Run(output, "Release", ControlTextFuzzTests.Cases(random, FuzzInputs.Release, 400 * FuzzHarness.Scale), c =>
        {
            var release = ReleaseFile.Parse(Encoding.UTF8.GetString(c.Input), "fuzz/Release");
            _ = release.Files.Count;
            _ = release.Date;
            _ = release.ValidUntil;
            _ = release.DefaultPin;
            _ = release.ToOrigin("main", "file:/srv/mirror/debian");
            release.EnsureFresh(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000), clockSkew: TimeSpan.FromDays(36500));
        });
    }

    [Fact]
    public void InRelease_files()
    {
        var random = new Random(902);
        FuzzHarness.Run(output, "InRelease", ControlTextFuzzTests.Cases(random, FuzzInputs.InRelease, 400 * FuzzHarness.Scale), c =>
        {
            var message = ClearSignedMessage.Parse(Encoding.UTF8.GetString(c.Input), "fuzz/InRelease");
            _ = message.HashHeaders.Count;
            ReleaseFile.Parse(message.SignedText, "fuzz/InRelease");
        });
    }

    [Fact]
    public void Packages_indexes_through_both_readers_into_a_universe()
    {
        var random = new Random(903);
        using var temp = new TempDirectory("packages-fuzz-");
        var path = temp.Combine("Packages");
        FuzzHarness.Run(output, "Packages", ControlTextFuzzTests.Cases(random, FuzzInputs.Packages, 250 * FuzzHarness.Scale), c =>
        {
            var streamed = new List<UniversePackage>();
            try
            {
                streamed.AddRange(PackagesIndexReader.Read(new MemoryStream(c.Input), null, "fuzz/Packages"));
            }
            catch (AptOstreeException)
            {
            }

            File.WriteAllBytes(path, c.Input);
            var scanned = PackagesIndexReader.ReadFile(path, null);
            var universe = PackageUniverse.Create(scanned, "amd64", ["i386"]);
            _ = new InstallabilityChecker(universe).CheckAll();
        });
    }

    [Fact]
    public void Dpkg_status_files()
    {
        var random = new Random(904);
        FuzzHarness.Run(output, "status", ControlTextFuzzTests.Cases(random, FuzzInputs.Status, 400 * FuzzHarness.Scale), c =>
        {
            var installed = DpkgStatusReader.Read(new MemoryStream(c.Input), "fuzz/status");
            _ = PackageUniverse.Create(installed, "amd64");
        });
    }

    [Fact]
    public void Edsp_scenarios_through_the_external_solver()
    {
        var random = new Random(905);
        FuzzHarness.Run(output, "EDSP", ControlTextFuzzTests.Cases(random, FuzzInputs.Edsp, 250 * FuzzHarness.Scale), c =>
        {
            var answer = new MemoryStream();
            EdspSolver.Run(new MemoryStream(c.Input), answer, now: DateTimeOffset.FromUnixTimeSeconds(1_700_000_000));
            Assert.True(answer.Length > 0, "the solver wrote no answer");
            EdspScenario.Read(new MemoryStream(c.Input));
        });
    }

    [Fact]
    public void Sources_lists()
    {
        var random = new Random(906);
        FuzzHarness.Run(output, "deb822 sources", ControlTextFuzzTests.Cases(random, FuzzInputs.Sources, 400 * FuzzHarness.Scale), c =>
            _ = SourcesList.ParseDeb822(Encoding.UTF8.GetString(c.Input), "fuzz.sources"));
        FuzzHarness.Run(output, "one-line sources", ControlTextFuzzTests.Cases(random, FuzzInputs.OneLineSources, 400 * FuzzHarness.Scale), c =>
            _ = SourcesList.ParseOneLine(Encoding.UTF8.GetString(c.Input), "fuzz.list"));
    }
}
