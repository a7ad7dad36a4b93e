using AptOstree.OpenPgp;
using AptOstree.Testing;

namespace AptOstree.OSTree.Tests.Signing;

/// <summary>GPG commit signatures: ours verify with ostree (and ours), ostree gpg-sign's verify with ours; bad ones are refused.</summary>
public class GpgCommitSignerTests
{
    [SkippableTheory]
    [InlineData("ed25519")]
    [InlineData("rsa2048")]
    public void OurSignatureVerifiesWithOstree(string algorithm)
    {
        ExternalTool.Require("ostree", "gpg");
        using var tmp = new TempDirectory("ostree-gpg-");
        using var gpg = GpgTestKey.Create("ours@example.invalid", algorithm);
        var repo = OstreeRepository.Create(tmp.Combine("repo"), RepoMode.Archive);
        var commit = CommitFile(repo, tmp, "signed");
        var (edSecret, edPublic) = Ed25519CommitSigner.GenerateKeyPair();
        Ed25519CommitSigner.Sign(repo, commit, edSecret);

        var key = GpgSigningKey.LoadFile(gpg.SecretKeyring, gpg.Email);
        Assert.Equal(gpg.Fingerprint, key.Fingerprint);
        GpgCommitSigner.Sign(repo, commit, key);
        Assert.Equal([gpg.Fingerprint], GpgCommitSigner.Verify(repo, commit, gpg.Keyring));
        Assert.True(Ed25519CommitSigner.Verify(repo, commit, [edPublic]));

        string shown = OstreeTestTrees.Ostree("--repo=" + repo.Path, "show", "--gpg-homedir=" + gpg.KeysDirectory, commit.ToString());
        Assert.Contains("Found 1 signature", shown, StringComparison.Ordinal);
        Assert.Contains("Good signature from \"Test <ours@example.invalid>\"", shown, StringComparison.Ordinal);

        // libostree refuses a second signature by the same key.
        var again = Assert.Throws<AptOstreeException>(() => GpgCommitSigner.Sign(repo, commit, GpgSigningKey.LoadFile(gpg.SecretKeyring, gpg.Fingerprint)));
        Assert.Equal(OstreeErrorCodes.InvalidOption, again.ErrorCode);

        // A second key appends; both verify, here and for ostree.
        using var second = GpgTestKey.Create("second@example.invalid", algorithm);
        GpgCommitSigner.Sign(repo, commit, GpgSigningKey.LoadFile(second.SecretKeyring, "0x" + second.Fingerprint[^16..]));
        Assert.Equal([gpg.Fingerprint, second.Fingerprint], GpgCommitSigner.Verify(repo, commit, OpenPgpKeyring.Combine([gpg.Keyring, second.Keyring])));
        Assert.Equal([second.Fingerprint], GpgCommitSigner.Verify(repo, commit, second.Keyring));
        File.Copy(second.PublicKeyring, Path.Combine(gpg.KeysDirectory, "second.gpg"));
        shown = OstreeTestTrees.Ostree("--repo=" + repo.Path, "show", "--gpg-homedir=" + gpg.KeysDirectory, commit.ToString());
        Assert.Contains("Found 2 signatures", shown, StringComparison.Ordinal);
        Assert.Equal(2, shown.Split("Good signature from").Length - 1);
        OstreeTestTrees.Ostree("--repo=" + repo.Path, "fsck");
    }

    [SkippableFact]
    public void DeleteSignatures_RemovesOnlyTheNamedKeys_OstreeShowsTheRest()
    {
        ExternalTool.Require("ostree", "gpg");
        using var tmp = new TempDirectory("ostree-gpg-");
        using var first = GpgTestKey.Create("first@example.invalid");
        using var second = GpgTestKey.Create("second@example.invalid");
        var repo = OstreeRepository.Create(tmp.Combine("repo"), RepoMode.Archive);
        var commit = CommitFile(repo, tmp, "signed twice");
        var (edSecret, edPublic) = Ed25519CommitSigner.GenerateKeyPair();
        Ed25519CommitSigner.Sign(repo, commit, edSecret);
        GpgCommitSigner.Sign(repo, commit, GpgSigningKey.LoadFile(first.SecretKeyring, first.Email));
        GpgCommitSigner.Sign(repo, commit, GpgSigningKey.LoadFile(second.SecretKeyring, second.Email));
        File.Copy(second.PublicKeyring, Path.Combine(first.KeysDirectory, "second.gpg"));
        string Show() => OstreeTestTrees.Ostree("--repo=" + repo.Path, "show", "--gpg-homedir=" + first.KeysDirectory, commit.ToString());

        Assert.Equal(0, GpgCommitSigner.DeleteSignatures(repo, commit, ["nobody@example.invalid", "0x0123456789ABCDEF"]));
        Assert.Equal(1, GpgCommitSigner.DeleteSignatures(repo, commit, [first.Fingerprint.ToLowerInvariant()]));
        string shown = Show();
        Assert.Contains("Found 1 signature", shown, StringComparison.Ordinal);
        Assert.Contains("Good signature from \"Test <second@example.invalid>\"", shown, StringComparison.Ordinal);
        Assert.DoesNotContain("first@example.invalid", shown, StringComparison.Ordinal);
        Assert.True(Ed25519CommitSigner.Verify(repo, commit, [edPublic]));

        // A short key id names the key too; with none left the commit is unsigned for ostree and for us.
        Assert.Equal(1, GpgCommitSigner.DeleteSignatures(repo, commit, ["0x" + second.Fingerprint[^8..]]));
        Assert.DoesNotContain("signature", Show(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(OstreeErrorCodes.SignatureInvalid, Assert.Throws<AptOstreeException>(() => GpgCommitSigner.Verify(repo, commit, second.Keyring)).ErrorCode);
        Assert.True(Ed25519CommitSigner.Verify(repo, commit, [edPublic]));
        OstreeTestTrees.Ostree("--repo=" + repo.Path, "fsck");
    }

    [SkippableFact]
    public void OstreeGpgSignVerifiesWithOursAndBadSignaturesAreRefused()
    {
        ExternalTool.Require("ostree", "gpg");
        using var tmp = new TempDirectory("ostree-gpg-");
        using var gpg = GpgTestKey.Create("theirs@example.invalid");
        using var stranger = GpgTestKey.Create("stranger@example.invalid");
        var repo = OstreeRepository.Create(tmp.Combine("repo"), RepoMode.BareUser);
        var commit = CommitFile(repo, tmp, "signed by ostree");
        OstreeTestTrees.Ostree("--repo=" + repo.Path, "gpg-sign", "--gpg-homedir=" + gpg.Home, commit.ToString(), gpg.Email);
        Assert.Equal([gpg.Fingerprint], GpgCommitSigner.Verify(repo, commit, gpg.Keyring));

        // Wrong key.
        var ex = Assert.Throws<AptOstreeException>(() => GpgCommitSigner.Verify(repo, commit, stranger.Keyring));
        Assert.Equal(OstreeErrorCodes.SignatureInvalid, ex.ErrorCode);
        Assert.Contains(commit.ToString(), ex.Message, StringComparison.Ordinal);
        Assert.Contains("NO_PUBKEY", ex.Message, StringComparison.Ordinal);

        // Unsigned commit.
        var unsigned = CommitFile(repo, tmp, "unsigned");
        ex = Assert.Throws<AptOstreeException>(() => GpgCommitSigner.Verify(repo, unsigned, gpg.Keyring));
        Assert.Equal(OstreeErrorCodes.SignatureInvalid, ex.ErrorCode);
        Assert.Contains("no signatures", ex.Message, StringComparison.Ordinal);

        // The signature carried to another commit (the commit tampered with) does not match.
        File.Copy(repo.Objects.GetLoosePath(commit, ObjectType.CommitMeta), repo.Objects.GetLoosePath(unsigned, ObjectType.CommitMeta));
        ex = Assert.Throws<AptOstreeException>(() => GpgCommitSigner.Verify(repo, unsigned, gpg.Keyring));
        Assert.Contains(unsigned.ToString(), ex.Message, StringComparison.Ordinal);
        Assert.Contains("does not match", ex.Message, StringComparison.Ordinal);

        // A truncated signature.
        var truncatedCommit = CommitFile(repo, tmp, "truncated");
        OstreeTestTrees.Ostree("--repo=" + repo.Path, "gpg-sign", "--gpg-homedir=" + gpg.Home, truncatedCommit.ToString(), gpg.Email);
        byte[] signature = Assert.Single(SignatureContainer.Read(repo.Objects.ReadDetachedMetadata(truncatedCommit), GpgCommitSigner.MetadataKey));
        File.WriteAllBytes(repo.Objects.GetLoosePath(truncatedCommit, ObjectType.CommitMeta), SignatureContainer.Append(null, signature[..^20], GpgCommitSigner.MetadataKey));
        ex = Assert.Throws<AptOstreeException>(() => GpgCommitSigner.Verify(repo, truncatedCommit, gpg.Keyring));
        Assert.Equal(OstreeErrorCodes.SignatureInvalid, ex.ErrorCode);
        Assert.Contains(truncatedCommit.ToString(), ex.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<OpenPgpSignatureException>(ex.InnerException);
    }

    [SkippableFact]
    public void SummarySignaturesInteroperateBothWays()
    {
        ExternalTool.Require("ostree", "gpg");
        using var tmp = new TempDirectory("ostree-gpg-");
        using var gpg = GpgTestKey.Create("summary@example.invalid");
        var repo = OstreeRepository.Create(tmp.Combine("repo"), RepoMode.Archive);
        CommitFile(repo, tmp, "x");
        repo.UpdateSummary();
        GpgSummarySigner.Sign(repo, GpgSigningKey.LoadFile(gpg.SecretKeyring, gpg.Email));
        string summary = Path.Combine(repo.Path, "summary");
        string sig = Path.Combine(repo.Path, "summary.sig");
        Assert.Equal([gpg.Fingerprint], GpgSummarySigner.Verify(File.ReadAllBytes(summary), File.ReadAllBytes(sig), gpg.Keyring));

        // ostree lists the remote's refs only when summary.sig verifies (gpg-verify-summary=true).
        string client = tmp.Combine("client");
        OstreeTestTrees.Ostree("--repo=" + client, "init", "--mode=archive");
        OstreeTestTrees.Ostree("--repo=" + client, "remote", "add", "--set=gpg-verify-summary=true", "o", "file://" + repo.Path);
        Assert.NotEqual(0, OstreeTestTrees.OstreeRun("--repo=" + client, "remote", "refs", "o").ExitCode);
        OstreeTestTrees.Ostree("--repo=" + client, "remote", "gpg-import", "-k", gpg.PublicKeyring, "o");
        Assert.Contains("o:t", OstreeTestTrees.Ostree("--repo=" + client, "remote", "refs", "o"), StringComparison.Ordinal);

        // ostree's own summary signature verifies with ours; a changed summary does not.
        File.Delete(sig);
        OstreeTestTrees.Ostree("--repo=" + repo.Path, "summary", "-u", "--gpg-sign=" + gpg.Email, "--gpg-homedir=" + gpg.Home);
        Assert.Equal([gpg.Fingerprint], GpgSummarySigner.Verify(File.ReadAllBytes(summary), File.ReadAllBytes(sig), gpg.Keyring));
        byte[] changed = File.ReadAllBytes(summary);
        changed[^1] ^= 1;
        var ex = Assert.Throws<AptOstreeException>(() => GpgSummarySigner.Verify(changed, File.ReadAllBytes(sig), gpg.Keyring));
        Assert.Equal(OstreeErrorCodes.SignatureInvalid, ex.ErrorCode);
    }

    private static Checksum CommitFile(OstreeRepository repo, TempDirectory tmp, string content)
    {
        string tree = tmp.Combine("tree-" + content.Replace(' ', '-'));
        Directory.CreateDirectory(tree);
        File.WriteAllText(Path.Combine(tree, "f"), content);
        return repo.Commit(tree, new CommitOptions { Branch = "t", Subject = content });
    }
}
