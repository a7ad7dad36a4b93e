using System.Globalization;
using AptOstree.Testing;

namespace AptOstree.Samples.Tests.Cli;

/// <summary>`apt-ostree ostree show --print-metadata-key / --print-detached-metadata-key` print what ostree prints.</summary>
public class OstreeShowCliTests
{
    /// <summary>
    /// Every signature is made with gpg's clock set to a fixed instant (so the output does not depend on the day the test runs): once
    /// on a day 1-9 of a month, which GLib's <c>%e</c> pads with U+2007 FIGURE SPACE, and once on a two-digit day.
    /// </summary>
    [SkippableTheory]
    [InlineData(1704456000)] // 2024-01-05 12:00 UTC: a one-digit day in every time zone
    [InlineData(1705320000)] // 2024-01-15 12:00 UTC: a two-digit day in every time zone
    public void Show_SignedAndUnsignedCommits_PrintsWhatOstreePrints(long signedAt)
    {
        ExternalTool.Require("ostree", "gpg");
        var frozen = DateTimeOffset.FromUnixTimeSeconds(signedAt);
        using var tmp = new TempDirectory("cli-show-sigs-");
        using var known = GpgTestKey.Create("known@example.invalid", startTime: frozen);
        using var stranger = GpgTestKey.Create("stranger@example.invalid", startTime: frozen);
        using var revoked = GpgTestKey.Create("revoked@example.invalid", startTime: frozen);

        // A key that expires and signs through a subkey that expires too: "Primary key ID" and the expiry lines
        // (far enough ahead that neither has expired when the test runs).
        using var expiring = GpgTestKey.Create("expiring@example.invalid", startTime: frozen);
        expiring.Gpg("--quick-set-expire", expiring.Fingerprint, "40y");
        expiring.Gpg("--pinentry-mode", "loopback", "--passphrase", "", "--quick-add-key", expiring.Fingerprint, "ed25519", "sign", "30y");
        File.WriteAllBytes(Path.Combine(known.KeysDirectory, "expiring.gpg"), File.ReadAllBytes(expiring.Export(armor: false)));

        string repo = tmp.Combine("repo");
        Directory.CreateDirectory(tmp.Combine("tree"));
        File.WriteAllText(tmp.Combine("tree", "f"), "x");
        ExternalTool.Output("ostree", "--repo=" + repo, "init", "--mode=archive");
        string Commit(params string[] args) => ExternalTool.Output("ostree", ["--repo=" + repo, "commit", "--timestamp=@1700000000", .. args, tmp.Combine("tree")]).Trim();
        string unsigned = Commit("-b", "plain", "-m", "a body\nof two lines");
        string signed = Commit("-b", "signed", "-s", "signed four times", "--gpg-sign=" + known.Email, "--gpg-homedir=" + known.Home);
        foreach (var key in new[] { stranger, expiring, revoked })
        {
            ExternalTool.Output("ostree", "--repo=" + repo, "gpg-sign", "--gpg-homedir=" + key.Home, signed, key.Email);
        }

        string revocation = File.ReadAllText(Path.Combine(revoked.Home, "openpgp-revocs.d", revoked.Fingerprint + ".rev")).Replace(":-----BEGIN", "-----BEGIN", StringComparison.Ordinal);
        File.WriteAllText(Path.Combine(revoked.Home, "rev.asc"), revocation);
        revoked.Gpg("--import", Path.Combine(revoked.Home, "rev.asc"));
        File.WriteAllBytes(Path.Combine(known.KeysDirectory, "revoked.gpg"), File.ReadAllBytes(revoked.Export(armor: false)));

        foreach (string rev in new[] { unsigned, "signed" })
        {
            foreach (string[] options in new[] { new[] { "--gpg-homedir=" + known.KeysDirectory }, [], ["--raw", "--gpg-homedir=" + known.KeysDirectory] })
            {
                string expected = ExternalTool.Output("ostree", ["--repo=" + repo, "show", .. options, rev]);
                Assert.Equal(expected, SampleTools.AptOstree(["ostree", "show", "--repo=" + repo, .. options, rev]).EnsureSuccess("show " + rev).StandardOutput);
            }
        }

        string shown = SampleTools.AptOstree("ostree", "show", "--repo=" + repo, "--gpg-homedir=" + known.KeysDirectory, "signed").StandardOutput;
        var local = frozen.ToLocalTime();
        string made = string.Create(CultureInfo.InvariantCulture, $"Signature made {local:ddd MMM} {(local.Day < 10 ? "\u2007" : string.Empty)}{local.Day} ");
        foreach (string line in new[] { "Found 4 signatures", "Good signature from \"Test <known@example.invalid>\"", "Can't check signature", "Primary key ID", "Key expires", "Key revoked", made })
        {
            Assert.Contains(line, shown, StringComparison.Ordinal);
        }
    }

    [SkippableFact]
    public void CommitAddDetachedMetadataString_WritesTheCommitmetaOstreeWrites()
    {
        ExternalTool.Require("ostree");
        using var tmp = new TempDirectory("cli-detached-");
        Directory.CreateDirectory(tmp.Combine("tree"));
        File.WriteAllText(tmp.Combine("tree", "f"), "x");
        string[] args = ["commit", "-b", "os/main", "--timestamp=@1700000000", "-s", "detached", "--add-detached-metadata-string=note=hello world", "--tree=dir=" + tmp.Combine("tree")];
        string theirs = tmp.Combine("theirs");
        string ours = tmp.Combine("ours");
        ExternalTool.Output("ostree", "--repo=" + theirs, "init", "--mode=archive");
        ExternalTool.Output("ostree", "--repo=" + ours, "init", "--mode=archive");
        string theirCommit = ExternalTool.Output("ostree", ["--repo=" + theirs, .. args]).Trim();
        string ourCommit = SampleTools.AptOstree(["ostree", args[0], "--repo=" + ours, .. args[1..]]).EnsureSuccess("commit").StandardOutput.Trim();

        Assert.Equal(theirCommit, ourCommit);
        string Commitmeta(string repo) => Path.Combine(repo, "objects", ourCommit[..2], ourCommit[2..] + ".commitmeta");
        Assert.Equal(File.ReadAllBytes(Commitmeta(theirs)), File.ReadAllBytes(Commitmeta(ours)));
        Assert.Equal("'hello world'\n", ExternalTool.Output("ostree", "--repo=" + ours, "show", "--print-detached-metadata-key=note", ourCommit));
        ExternalTool.Output("ostree", "--repo=" + ours, "fsck");
    }

    [SkippableFact]
    public void PrintMetadataKeys_OfEveryKind_MatchOstree()
    {
        ExternalTool.Require("ostree");
        using var tmp = new TempDirectory("cli-show-");
        string repo = tmp.Combine("repo");
        Directory.CreateDirectory(tmp.Combine("tree"));
        File.WriteAllText(tmp.Combine("tree", "f"), "x");
        ExternalTool.Output("ostree", "--repo=" + repo, "init", "--mode=archive");
        string commit = ExternalTool.Output(
            "ostree", "--repo=" + repo, "commit", "-b", "os/main", "--timestamp=@1700000000", "--add-metadata-string=version=1.0",
            "--add-metadata=count=uint32 7", "--add-metadata=list=['a', 'b']", "--add-metadata=nested={'k': <int64 -1>}", tmp.Combine("tree")).Trim();
        var (secret, _) = AptOstree.OSTree.Ed25519CommitSigner.GenerateKeyPair();
        SampleTools.AptOstree("ostree", "sign", "--repo=" + repo, commit, Convert.ToBase64String(secret)).EnsureSuccess("sign");

        foreach (string key in new[] { "version", "count", "list", "nested", "ostree.ref-binding" })
        {
            Assert.Equal(
                ExternalTool.Output("ostree", "--repo=" + repo, "show", "--print-metadata-key=" + key, commit),
                SampleTools.AptOstree("ostree", "show", "--repo=" + repo, "--print-metadata-key=" + key, commit).EnsureSuccess("show " + key).StandardOutput);
        }

        Assert.Equal(
            ExternalTool.Output("ostree", "--repo=" + repo, "show", "--print-detached-metadata-key=ostree.sign.ed25519", "os/main"),
            SampleTools.AptOstree("ostree", "show", "--repo=" + repo, "--print-detached-metadata-key=ostree.sign.ed25519", "os/main").EnsureSuccess("show detached").StandardOutput);

        Assert.NotEqual(0, ExternalTool.Run("ostree", ["--repo=" + repo, "show", "--print-metadata-key=nosuch", commit]).ExitCode);
        OstreeCliTests.AssertOneLineError(SampleTools.AptOstree("ostree", "show", "--repo=" + repo, "--print-metadata-key=nosuch", commit), "AO3017");
        Assert.NotEqual(0, ExternalTool.Run("ostree", ["--repo=" + repo, "show", "--print-detached-metadata-key=nosuch", commit]).ExitCode);
        OstreeCliTests.AssertOneLineError(SampleTools.AptOstree("ostree", "show", "--repo=" + repo, "--print-detached-metadata-key=nosuch", commit), "AO3017");
    }
}
