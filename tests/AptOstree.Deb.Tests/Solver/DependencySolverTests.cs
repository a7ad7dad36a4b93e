using AptOstree.Deb.Solver;

namespace AptOstree.Deb.Tests.Solver;

/// <summary>Solver semantics on small universes: alternatives, virtuals, conflicts, Multi-Arch, removal, explanations, order.</summary>
public sealed class DependencySolverTests
{
    private static UniversePackage P(string name, string version = "1.0", string arch = "amd64", string? depends = null, string? conflicts = null, string? provides = null, string? breaks = null, string? preDepends = null, MultiArchKind ma = MultiArchKind.None, bool installed = false, bool essential = false, string? recommends = null) =>
        new() { Name = name, Version = version, Architecture = arch, Depends = depends, Conflicts = conflicts, Provides = provides, Breaks = breaks, PreDepends = preDepends, MultiArch = ma, IsInstalled = installed, Essential = essential, Recommends = recommends, Filename = installed ? null : $"pool/{name}.deb" };

    private static List<string> Install(PackageUniverse u, params string[] names) =>
        new DependencySolver(u).Solve(SolverRequest.ForInstall(names)).Install.Select(p => $"{p.Name}:{p.Architecture}={p.Version}").ToList();

    [Fact]
    public void First_alternative_wins_unless_an_earlier_choice_satisfies_the_group()
    {
        var u = PackageUniverse.Create([P("app", depends: "b, a1 | a2"), P("a1"), P("a2"), P("b", depends: "a2")], "amd64");
        Assert.Equal(["a2:amd64=1.0", "app:amd64=1.0", "b:amd64=1.0"], Install(u, "app"));
    }

    [Fact]
    public void Conflicting_first_alternative_backtracks_to_the_second()
    {
        var u = PackageUniverse.Create([P("app", depends: "x, y1 | y2"), P("x", conflicts: "y1"), P("y1"), P("y2")], "amd64");
        Assert.Equal(["app:amd64=1.0", "x:amd64=1.0", "y2:amd64=1.0"], Install(u, "app"));
    }

    [Fact]
    public void Versioned_provides_satisfy_versioned_dependencies_only()
    {
        var u = PackageUniverse.Create([P("app", depends: "virt (>= 2)"), P("old", provides: "virt"), P("new", provides: "virt (= 2.1)")], "amd64");
        Assert.Equal(["app:amd64=1.0", "new:amd64=1.0"], Install(u, "app"));
    }

    [Fact]
    public void Breaks_with_versions_pick_the_compatible_version_and_multiarch_foreign_crosses_architectures()
    {
        var u = PackageUniverse.Create([P("app", depends: "tool, lib (>= 1)", breaks: "lib (<< 2)"), P("lib", "1"), P("lib", "2"), P("tool", arch: "i386", ma: MultiArchKind.Foreign)], "amd64", ["i386"]);
        var s = new DependencySolver(u).Solve(new SolverRequest { Install = [new PackageRequest("app")] });
        Assert.Contains(s.Install, p => p.Name == "tool" && p.Architecture == "i386");
        Assert.Contains(s.Install, p => p.Name == "lib" && p.Version == "2");

        // Asking for the broken version explicitly cannot work.
        Assert.Throws<UnsatisfiableException>(() => new DependencySolver(u).Solve(new SolverRequest { Install = [new PackageRequest("app"), new PackageRequest("lib", Version: "1")] }));
    }

    [Fact]
    public void Unsatisfiable_request_explains_the_chain()
    {
        var u = PackageUniverse.Create([P("top", depends: "mid"), P("mid", depends: "leaf (>= 2)"), P("leaf", "1")], "amd64");
        var ex = Assert.Throws<UnsatisfiableException>(() => Install(u, "top"));
        Assert.Equal(AptErrorCodes.Unsatisfiable, ex.ErrorCode);
        Assert.Contains(ex.Explanation, l => l.Contains("top:amd64 1.0 depends on mid", StringComparison.Ordinal));
        Assert.Contains(ex.Explanation, l => l.Contains("mid:amd64 1.0 depends on leaf (>= 2)", StringComparison.Ordinal));
        Assert.Contains(ex.Explanation, l => l.Contains("no available version satisfies", StringComparison.Ordinal));
    }

    [Fact]
    public void Install_replaces_a_conflicting_installed_package_and_removes_its_dependents_but_never_Essential()
    {
        var u = PackageUniverse.Create([P("old-mta", installed: true, provides: "mta"), P("mailer", depends: "old-mta", installed: true), P("new-mta", conflicts: "old-mta"), P("core", essential: true, installed: true)], "amd64");
        var s = new DependencySolver(u).Solve(SolverRequest.ForInstall(["new-mta"]));
        Assert.Equal(["mailer", "old-mta"], s.Remove.Select(p => p.Name));
        Assert.Throws<UnsatisfiableException>(() => new DependencySolver(u).Solve(new SolverRequest { Remove = ["core"] }));
    }

    [Fact]
    public void Multiarch_same_packages_coexist_only_at_the_same_version()
    {
        var u = PackageUniverse.Create([P("libx", "1", "amd64", ma: MultiArchKind.Same), P("libx", "1", "i386", ma: MultiArchKind.Same), P("liby", "1", "amd64"), P("liby", "1", "i386")], "amd64", ["i386"]);
        var s = new DependencySolver(u).Solve(new SolverRequest { Install = [new PackageRequest("libx"), new PackageRequest("libx", "i386")] });
        Assert.Equal(2, s.Install.Count);
        Assert.Throws<UnsatisfiableException>(() => new DependencySolver(u).Solve(new SolverRequest { Install = [new PackageRequest("liby"), new PackageRequest("liby", "i386")] }));
    }

    [Fact]
    public void Recommends_are_followed_or_not_and_skipped_when_impossible()
    {
        var u = PackageUniverse.Create([P("app", recommends: "extra, missing"), P("extra")], "amd64");
        Assert.Equal(["app:amd64=1.0", "extra:amd64=1.0"], Install(u, "app"));
        Assert.Single(new DependencySolver(u).Solve(SolverRequest.ForInstall(["app"], installRecommends: false)).Install);
    }

    [Fact]
    public void Install_order_puts_dependencies_first_and_keeps_pre_depends_inside_cycles()
    {
        var u = PackageUniverse.Create([P("a", depends: "b"), P("b", preDepends: "c"), P("c", depends: "b"), P("d", depends: "a")], "amd64");
        var s = new DependencySolver(u).Solve(SolverRequest.ForInstall(["d"]));
        var order = InstallOrderPlanner.Plan(u, s.Install).Select(p => p.Name).ToList();
        Assert.Equal(["c", "b", "a", "d"], order);
    }
}
