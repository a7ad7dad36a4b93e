using AptOstree.OSTree.Sysroot;
using AptOstree.Testing;
using static AptOstree.OSTree.Tests.Sysroot.SysrootFixture;

namespace AptOstree.OSTree.Tests.Sysroot;

/// <summary>
/// libostree's own scenario scripts (Debian's ostree-tests) build sysroots with the real tool; we read them
/// exactly as <c>ostree admin status</c> does, deploy on top, and ostree reads the result.
/// </summary>
public sealed class UpstreamScenarioTests
{
    private const string InstalledTests = "/usr/libexec/installed-tests/libostree";

    [SkippableTheory]
    [InlineData("test-admin-deploy-2.sh")]
    [InlineData("test-admin-deploy-etcmerge-cornercases.sh")]
    public void Sysroot_left_by_an_upstream_scenario_is_read_and_extended_in_agreement_with_ostree(string script)
    {
        Skip.IfNot(File.Exists($"{InstalledTests}/{script}"), $"{InstalledTests}/{script} missing; install the ostree-tests package.");
        ExternalTool.Require("ostree");
        Skip.IfNot(AptOstree.Posix.LibcPosixFileSystem.IsRoot, "the upstream admin scenarios need root.");
        using var temp = new TempDirectory("aptostree-upstream-");
        var env = new Dictionary<string, string> { ["G_TEST_SRCDIR"] = InstalledTests, ["G_TEST_BUILDDIR"] = InstalledTests };
        try
        {
            var run = ExternalTool.Run($"{InstalledTests}/{script}", [], workingDirectory: temp.Path, environment: env);
            Skip.If(run.ExitCode != 0, $"{script} itself failed here (exit {run.ExitCode}): {run.StandardError[^Math.Min(400, run.StandardError.Length)..]}");

            string sr = temp.Combine("sysroot");
            var ours = new OstreeSysroot(sr, OstreeRepository.Open($"{sr}/ostree/repo"));
            Assert.NotEmpty(OstreeStatus(sr));
            Assert.Equal(OstreeStatus(sr), OurStatus(ours));

            // Deploy the scenario's branch again with our code; ostree must agree with the result.
            var deployments = ours.GetDeployments();
            var refspec = deployments[0].Origin?.Refspec ?? deployments[0].Commit.ToString();
            var added = ours.Deploy(refspec, new DeployOptions { Stateroot = deployments[0].Stateroot, NoPrune = true });
            Assert.Equal(0, added.Index);
            Assert.Equal(OstreeStatus(sr), OurStatus(ours));
            Ostree("admin", "deploy", $"--sysroot={sr}", $"--os={added.Stateroot}", refspec);
            Assert.Equal(OstreeStatus(sr), OurStatus(ours));
        }
        finally
        {
            // The scripts start a gpg-agent for their GNUPGHOME; stop exactly that one.
            if (Directory.Exists(temp.Combine("gpghome")))
            {
                ExternalTool.Run("gpgconf", ["--homedir", temp.Combine("gpghome"), "--kill", "gpg-agent"]);
            }
        }
    }
}
