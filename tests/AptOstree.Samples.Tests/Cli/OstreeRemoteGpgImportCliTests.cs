using AptOstree.Testing;

namespace AptOstree.Samples.Tests.Cli;

/// <summary>
/// `apt-ostree ostree remote gpg-import` against `ostree remote gpg-import` on twin repositories: the same messages,
/// and ostree's own gpg-verified pull accepts the keyring we wrote.
/// </summary>
public class OstreeRemoteGpgImportCliTests
{
    [SkippableFact]
    public void GpgImport_FilesStdinAndKeyIdFilter_LikeOstree_AndOstreePullTrustsOurKeyring()
    {
        ExternalTool.Require("ostree", "gpg");
        using var tmp = new TempDirectory("cli-gpg-import-");
        using var signer = GpgTestKey.Create("signer@example.invalid");
        using var other = GpgTestKey.Create("other@example.invalid");
        string served = tmp.Combine("served");
        Directory.CreateDirectory(tmp.Combine("tree"));
        File.WriteAllText(tmp.Combine("tree", "f"), "x");
        ExternalTool.Output("ostree", "--repo=" + served, "init", "--mode=archive");
        ExternalTool.Output("ostree", "--repo=" + served, "commit", "-b", "os/main", "--gpg-sign=" + signer.Email, "--gpg-homedir=" + signer.Home, tmp.Combine("tree"));
        string both = tmp.Combine("both.gpg");
        File.WriteAllBytes(both, [.. File.ReadAllBytes(signer.PublicKeyring), .. File.ReadAllBytes(other.PublicKeyring)]);

        string theirs = tmp.Combine("theirs");
        string ours = tmp.Combine("ours");
        foreach (string repo in new[] { theirs, ours })
        {
            ExternalTool.Output("ostree", "--repo=" + repo, "init", "--mode=bare-user");
            ExternalTool.Output("ostree", "--repo=" + repo, "remote", "add", "o", "file://" + served);
        }

        void Same(params string[] args) => Assert.Equal(
            ExternalTool.Output("ostree", ["--repo=" + theirs, "remote", "gpg-import", .. args]),
            SampleTools.AptOstree(["ostree", "remote", "gpg-import", "--repo=" + ours, .. args]).EnsureSuccess("gpg-import " + string.Join(' ', args)).StandardOutput);

        // Only the named key of a two-key file; then the file again (one new key); then everything again (none new).
        Same("-k", both, "o", other.Fingerprint);
        Same("-k", both, "o");
        Same("-k", signer.PublicKeyring, "o");

        // Armored keys on standard input.
        string armored = File.ReadAllText(signer.Export(armor: true));
        var theirsStdin = ExternalTool.Run("ostree", ["--repo=" + theirs, "remote", "gpg-import", "--stdin", "o"], standardInput: armored);
        var oursStdin = ExternalTool.Run("dotnet", [Path.Combine(AppContext.BaseDirectory, "apt-ostree.dll"), "ostree", "remote", "gpg-import", "--repo=" + ours, "--stdin", "o"], standardInput: armored);
        Assert.Equal(theirsStdin.EnsureSuccess("ostree --stdin").StandardOutput, oursStdin.EnsureSuccess("apt-ostree --stdin").StandardOutput);

        // ostree's gpg-verified pull trusts the keyring we wrote; and refuses the commit without it.
        ExternalTool.Output("ostree", "--repo=" + ours, "pull", "o", "os/main");
        File.Delete(Path.Combine(ours, "o.trustedkeys.gpg"));
        ExternalTool.Output("ostree", "--repo=" + ours, "refs", "--delete", "o:os/main");
        Assert.NotEqual(0, ExternalTool.Run("ostree", ["--repo=" + ours, "pull", "o", "os/main"]).ExitCode);

        // Bad input: no key source, an unknown remote, a file that is no keyring.
        OstreeCliTests.AssertOneLineError(SampleTools.AptOstree("ostree", "remote", "gpg-import", "--repo=" + ours, "o"), "AO3017");
        OstreeCliTests.AssertOneLineError(SampleTools.AptOstree("ostree", "remote", "gpg-import", "--repo=" + ours, "-k", both, "nosuch"), "AO30");
        OstreeCliTests.AssertOneLineError(SampleTools.AptOstree("ostree", "remote", "gpg-import", "--repo=" + ours, "-k", tmp.Combine("tree", "f"), "o"), "AO");
    }
}
