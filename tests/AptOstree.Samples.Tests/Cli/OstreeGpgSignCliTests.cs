using AptOstree.Testing;

namespace AptOstree.Samples.Tests.Cli;

/// <summary>`apt-ostree ostree gpg-sign` signs like `ostree gpg-sign`: ostree itself verifies the signature.</summary>
public class OstreeGpgSignCliTests
{
    [SkippableFact]
    public void GpgSign_FromAGnupgHomedirOrAnExportedKeyring_VerifiesWithOstree()
    {
        ExternalTool.Require("ostree", "gpg");
        using var tmp = new TempDirectory("cli-gpg-");
        string home = tmp.Combine("gnupg");
        string keys = tmp.Combine("keys");
        Directory.CreateDirectory(home);
        Directory.CreateDirectory(keys);
        try
        {
            Gpg(home, "--pinentry-mode", "loopback", "--passphrase", "", "--quick-gen-key", "Cli <cli@example.invalid>", "ed25519", "sign", "never");
            Gpg(home, "--output", Path.Combine(keys, "pub.gpg"), "--export", "cli@example.invalid");
            Gpg(home, "--pinentry-mode", "loopback", "--passphrase", "", "--output", tmp.Combine("secret.key"), "--export-secret-keys", "cli@example.invalid");
            string repo = tmp.Combine("repo");
            Directory.CreateDirectory(tmp.Combine("tree"));
            File.WriteAllText(tmp.Combine("tree", "f"), "x");
            ExternalTool.Output("ostree", "--repo=" + repo, "init", "--mode=archive");
            // Ref names that are not hex: like ostree, a rev made only of hex digits is first tried as a commit-checksum prefix.
            string first = ExternalTool.Output("ostree", "--repo=" + repo, "commit", "-b", "one", tmp.Combine("tree")).Trim();
            string second = ExternalTool.Output("ostree", "--repo=" + repo, "commit", "-b", "two", "-s", "second", tmp.Combine("tree")).Trim();

            SampleTools.AptOstree("ostree", "gpg-sign", "--repo=" + repo, "--gpg-homedir=" + home, first, "cli@example.invalid").EnsureSuccess("gpg-sign --gpg-homedir");
            SampleTools.AptOstree("ostree", "gpg-sign", "--repo=" + repo, "--keyring=" + tmp.Combine("secret.key"), "two", "cli@example.invalid").EnsureSuccess("gpg-sign --keyring");
            foreach (string commit in new[] { first, second })
            {
                string shown = ExternalTool.Output("ostree", "--repo=" + repo, "show", "--gpg-homedir=" + keys, commit);
                Assert.Contains("Good signature from \"Cli <cli@example.invalid>\"", shown, StringComparison.Ordinal);
            }

            // Signing twice with the same key is refused, as ostree refuses it; an unknown key is our error too.
            var again = SampleTools.AptOstree("ostree", "gpg-sign", "--repo=" + repo, "--gpg-homedir=" + home, first, "cli@example.invalid");
            Assert.NotEqual(0, again.ExitCode);
            Assert.Contains("AO3017", again.StandardError, StringComparison.Ordinal);
            var unknown = SampleTools.AptOstree("ostree", "gpg-sign", "--repo=" + repo, "--gpg-homedir=" + home, first, "nobody@example.invalid");
            Assert.Contains("AO3015", unknown.StandardError, StringComparison.Ordinal);

            // --delete takes the signatures of the named keys off again, as `ostree gpg-sign --delete` does.
            string fingerprint = Gpg(home, "--with-colons", "--fingerprint", "cli@example.invalid").Split('\n').First(l => l.StartsWith("fpr:", StringComparison.Ordinal)).Split(':')[9];
            Assert.Equal("Signatures deleted: 1\n", SampleTools.AptOstree("ostree", "gpg-sign", "--repo=" + repo, "--delete", first, fingerprint).EnsureSuccess("gpg-sign --delete").StandardOutput);
            Assert.Equal("Signatures deleted: 0\n", SampleTools.AptOstree("ostree", "gpg-sign", "--repo=" + repo, "-d", first, fingerprint).EnsureSuccess("gpg-sign -d").StandardOutput);
            Assert.DoesNotContain("signature", ExternalTool.Output("ostree", "--repo=" + repo, "show", "--gpg-homedir=" + keys, first), StringComparison.OrdinalIgnoreCase);
            Assert.Contains("Good signature", ExternalTool.Output("ostree", "--repo=" + repo, "show", "--gpg-homedir=" + keys, second), StringComparison.Ordinal);
            ExternalTool.Output("ostree", "--repo=" + repo, "fsck");
        }
        finally
        {
            ExternalTool.Run("gpgconf", ["--homedir", home, "--kill", "all"]);
        }
    }

    [SkippableFact]
    public void CommitAndSummary_GpgSign_OstreePullsWithGpgVerifyAndGpgVerifySummary()
    {
        ExternalTool.Require("ostree", "gpg");
        using var tmp = new TempDirectory("cli-gpg-commit-");
        string home = tmp.Combine("gnupg");
        Directory.CreateDirectory(home);
        try
        {
            Gpg(home, "--pinentry-mode", "loopback", "--passphrase", "", "--quick-gen-key", "Cli <cli@example.invalid>", "ed25519", "sign", "never");
            Gpg(home, "--output", tmp.Combine("pub.gpg"), "--export", "cli@example.invalid");
            string repo = tmp.Combine("repo");
            Directory.CreateDirectory(tmp.Combine("tree"));
            File.WriteAllText(tmp.Combine("tree", "f"), "x");
            SampleTools.AptOstree("ostree", "init", "--repo=" + repo, "--mode=archive").EnsureSuccess("init");
            SampleTools.AptOstree("ostree", "commit", "--repo=" + repo, "-b", "os/main", "--gpg-sign=cli@example.invalid", "--gpg-homedir=" + home, "--tree=dir=" + tmp.Combine("tree")).EnsureSuccess("commit --gpg-sign");
            SampleTools.AptOstree("ostree", "summary", "--repo=" + repo, "-u", "--gpg-sign=cli@example.invalid", "--gpg-homedir=" + home).EnsureSuccess("summary -u --gpg-sign");

            string client = tmp.Combine("client");
            ExternalTool.Output("ostree", "--repo=" + client, "init", "--mode=bare-user");
            ExternalTool.Output("ostree", "--repo=" + client, "remote", "add", "--set=gpg-verify-summary=true", "o", "file://" + repo);
            ExternalTool.Output("ostree", "--repo=" + client, "remote", "gpg-import", "-k", tmp.Combine("pub.gpg"), "o");
            ExternalTool.Output("ostree", "--repo=" + client, "pull", "o", "os/main");
            Assert.Equal(ExternalTool.Output("ostree", "--repo=" + repo, "rev-parse", "os/main"), ExternalTool.Output("ostree", "--repo=" + client, "rev-parse", "o:os/main"));

            // A key that is not base64 is one line of our error, and the branch does not move.
            var bad = SampleTools.AptOstree("ostree", "commit", "--repo=" + repo, "-b", "os/main", "--sign=not-base64!", "--tree=dir=" + tmp.Combine("tree"));
            OstreeCliTests.AssertOneLineError(bad, "AO3015");
        }
        finally
        {
            ExternalTool.Run("gpgconf", ["--homedir", home, "--kill", "all"]);
        }
    }

    private static string Gpg(string home, params string[] args) =>
        ExternalTool.Run("gpg", ["--homedir", home, "--batch", "--yes", .. args]).EnsureSuccess("gpg " + string.Join(' ', args)).StandardOutput;
}
