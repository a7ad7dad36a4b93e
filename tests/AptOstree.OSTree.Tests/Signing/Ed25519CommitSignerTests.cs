using AptOstree.Testing;

namespace AptOstree.OSTree.Tests.Signing;

public class Ed25519CommitSignerTests
{
    [SkippableFact]
    public void SignVerifyAndTamperDetection()
    {
        using var tmp = new TempDirectory("ostree-sign-");
        Directory.CreateDirectory(tmp.Combine("tree"));
        File.WriteAllText(tmp.Combine("tree/f"), "signed");
        var repo = OstreeRepository.Create(tmp.Combine("repo"), RepoMode.Archive);
        var commit = repo.Commit(tmp.Combine("tree"), new CommitOptions { Branch = "t" });
        var (secret, pub) = Ed25519CommitSigner.GenerateKeyPair();
        var (_, otherPub) = Ed25519CommitSigner.GenerateKeyPair();
        Assert.Equal(pub, Ed25519CommitSigner.PublicKeyOf(secret));
        Assert.False(Ed25519CommitSigner.Verify(repo, commit, [pub]));

        Ed25519CommitSigner.Sign(repo, commit, secret);
        Assert.True(Ed25519CommitSigner.Verify(repo, commit, [pub]));
        Assert.False(Ed25519CommitSigner.Verify(repo, commit, [otherPub]));
        var ex = Assert.Throws<AptOstreeException>(() => Ed25519CommitSigner.EnsureValid(repo, commit, [otherPub]));
        Assert.Equal(OSTreeErrorCodes.SignatureInvalid, ex.ErrorCode);

        // Detached metadata is in libostree's shape (a{sv} with an aay), as ostree itself reads it.
        if (ExternalTool.Exists("ostree"))
        {
            string shown = OstreeTestTrees.Ostree("--repo=" + repo.Path, "show", "--print-detached-metadata-key=ostree.sign.ed25519", commit.ToString());
            // GLib prints an ay that happens to end in its only NUL as a bytestring (b'...', or b"..." when it holds
            // a single quote), otherwise as [byte 0x..].
            string[] shapes = ["[[byte 0x", "[b'", "[b\""];
            Assert.True(shapes.Any(shape => shown.Trim().StartsWith(shape, StringComparison.Ordinal)), shown);
            OstreeTestTrees.Ostree("--repo=" + repo.Path, "fsck");
        }

        // A signature carried to a different commit does not verify.
        File.WriteAllText(tmp.Combine("tree/f"), "tampered");
        var other = repo.Commit(tmp.Combine("tree"), new CommitOptions { Branch = "t" });
        File.Copy(repo.Objects.GetLoosePath(commit, ObjectType.CommitMeta), repo.Objects.GetLoosePath(other, ObjectType.CommitMeta));
        Assert.False(Ed25519CommitSigner.Verify(repo, other, [pub]));
    }
}
