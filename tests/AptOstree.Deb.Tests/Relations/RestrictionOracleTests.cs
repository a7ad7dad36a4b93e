using AptOstree.Testing;

namespace AptOstree.Deb.Tests.Relations;

/// <summary>
/// Architecture restrictions and build profiles evaluated like dpkg: <see cref="RelationSet.Restrict"/> is compared
/// with dpkg's own <c>Dpkg::Deps::deps_parse(reduce_arch, reduce_profiles)</c> (libdpkg-perl, which uses dpkg's real
/// architecture tables) for every field × host architecture × active profile set below.
/// </summary>
public class RestrictionOracleTests
{
    private static readonly string[] Fields =
    [
        "gcc-multilib [amd64 i386] <!nocheck> <stage1 cross>, libfoo-dev [!hurd-any !kfreebsd-any], bar <!nodoc>, a [linux-any] | b [any-i386] | c",
        "x [hurd-any] | y (>= 2) [!amd64], z <cross> | w",
        "debhelper-compat (= 13), python3-all:any, libssl-dev:native [linux-any], dh-sequence-python3 <!nopython>",
        "libc6-dev-i386 [amd64] | libc6-dev [i386], libcap-dev [linux-any] <!stage1 !pkg.foo.nocap>, valgrind [amd64 arm64 armhf i386] <!nocheck>",
        "p1 [!linux-any], p5 [any-arm gnu-any-any] | p6 [musl-any-any], p2 [any-amd64], p3 [kfreebsd-amd64 kfreebsd-i386], p4 [any-arm64 any-armhf] <!cross> <cross stage1>",
        "libseccomp-dev [linux-any] | libfoo (<< 1.0~) [hurd-any], tzdata <!nocheck>, q (>> 1:2.0-1) [!arm64 !armhf]",
    ];

    private static readonly string[] Architectures = ["amd64", "i386", "arm64", "armhf", "armel", "x32", "hurd-i386", "kfreebsd-amd64", "musl-linux-amd64"];

    private static readonly string[][] ProfileSets = [[], ["nocheck"], ["cross", "stage1"], ["nopython", "nodoc"], ["pkg.foo.nocap"]];

    [SkippableFact]
    public void Restrict_agrees_with_dpkg_perl_for_every_architecture_and_profile_set()
    {
        ExternalTool.Require("perl");
        Skip.If(ExternalTool.Run("perl", ["-MDpkg::Deps", "-e", "1"]).ExitCode != 0, "libdpkg-perl (Dpkg::Deps) is not installed; dpkg-dev brings it.");
        var cases = (from field in Fields from arch in Architectures from profiles in ProfileSets select (field, arch, profiles)).ToList();
        var input = string.Join('\n', cases.Select(c => $"{c.field}\t{c.arch}\t{string.Join(' ', c.profiles)}")) + "\n";
        const string script =
            "use Dpkg::Deps; while (<STDIN>) { chomp; my ($t, $a, $p) = split /\\t/, $_, -1; " +
            "my $d = deps_parse($t, reduce_arch => 1, host_arch => $a, build_dep => 1, reduce_profiles => 1, build_profiles => [split / /, $p]); " +
            "print((defined $d ? $d->output() : 'UNPARSABLE'), \"\\n\"); }";
        var output = ExternalTool.Run("perl", ["-e", script], standardInput: input).EnsureSuccess("perl Dpkg::Deps").StandardOutput
            .Split('\n')[..cases.Count];
        for (var i = 0; i < cases.Count; i++)
        {
            var (field, arch, profiles) = cases[i];
            var ours = Render(RelationSet.ParseField("Build-Depends", field).Restrict(arch, profiles));
            Assert.True(output[i] == ours, $"{arch} [{string.Join(' ', profiles)}] '{field}': dpkg '{output[i]}', ours '{ours}'");
        }
    }

    // Dpkg::Deps prints a reduced field without the (now evaluated) restriction lists.
    private static string Render(RelationSet set) => string.Join(", ", set.Select(g => string.Join(" | ", g.Select(r =>
        new Relation(r.Name, r.Operator, r.Version, r.ArchitectureQualifier).ToString()))));
}
