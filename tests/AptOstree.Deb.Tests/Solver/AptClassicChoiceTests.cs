using AptOstree.Deb.Solver;

namespace AptOstree.Deb.Tests.Solver;

/// <summary>The APT classic choices the solver reproduces on small universes (see docs/solver.md).</summary>
public sealed class AptClassicChoiceTests
{
    private static UniversePackage P(string name, string version = "1.0", string? depends = null, string? conflicts = null, string? provides = null, string? recommends = null, bool installed = false) =>
        new() { Name = name, Version = version, Architecture = "amd64", Depends = depends, Conflicts = conflicts, Provides = provides, Recommends = recommends, IsInstalled = installed, Filename = installed ? null : $"pool/{name}_{version}.deb" };

    private static List<string> Names(SolverSolution s) => s.Install.Select(p => p.Name).ToList();

    [Fact]
    public void A_later_preferred_alternative_displaces_an_earlier_conflicting_new_install()
    {
        // apt's MarkInstall takes nogui for lib's or-group, then app's Recommends installs core and un-marks nogui.
        var u = PackageUniverse.Create(
            [P("app", depends: "lib", recommends: "core"), P("lib", depends: "nogui | core"), P("nogui", conflicts: "core"), P("core", conflicts: "nogui")], "amd64");
        Assert.Equal(["app", "core", "lib"], Names(new DependencySolver(u).Solve(SolverRequest.ForInstall(["app"]))));
        Assert.Equal(["app", "lib", "nogui"], Names(new DependencySolver(u).Solve(SolverRequest.ForInstall(["app"], installRecommends: false))));
    }

    [Fact]
    public void Equal_providers_go_to_the_name_apt_numbers_last()
    {
        var zetaLast = PackageUniverse.Create([P("app", depends: "virt"), P("alpha", provides: "virt"), P("zeta", provides: "virt")], "amd64");
        Assert.Equal(["app", "zeta"], Names(new DependencySolver(zetaLast).Solve(SolverRequest.ForInstall(["app"]))));

        var alphaLast = PackageUniverse.Create([P("app", depends: "virt"), P("zeta", provides: "virt"), P("alpha", provides: "virt")], "amd64");
        Assert.Equal(["alpha", "app"], Names(new DependencySolver(alphaLast).Solve(SolverRequest.ForInstall(["app"]))));
    }

    [Fact]
    public void An_or_group_prefers_an_installed_alternative_and_an_older_archive_version_is_no_upgrade()
    {
        var u = PackageUniverse.Create(
            [P("app", depends: "first | second"), P("first"), P("second", "2.0", installed: true), P("second", "1.0"), P("tool", "3.0", installed: true), P("tool", "1.0")], "amd64");
        Assert.Equal(["app"], Names(new DependencySolver(u).Solve(SolverRequest.ForInstall(["app"]))));
        var upgrade = new DependencySolver(u).Solve(new SolverRequest { DistUpgrade = true });
        Assert.Empty(upgrade.Install);
        Assert.Empty(upgrade.Remove);
    }
}
