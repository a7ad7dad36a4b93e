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
        Assert.Equal(OstreeErrorCodes.SignatureInvalid, ex.ErrorCode);

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

    /// <summary>
    /// Debian's ostree is built without libsodium, so it cannot check ed25519 itself; OpenSSL is the oracle for the
    /// signature over the commit object's bytes (ed25519 is deterministic, so the same key gives the same bytes),
    /// and ostree for the detached metadata's shape (above).
    /// </summary>
    [SkippableFact]
    public void SignatureIsOpenSslsOverTheCommitObjectAndVerifiesThere()
    {
        ExternalTool.Require("openssl");
        using var tmp = new TempDirectory("ostree-sign-openssl-");
        Directory.CreateDirectory(tmp.Combine("tree"));
        File.WriteAllText(tmp.Combine("tree/f"), "signed");
        var repo = OstreeRepository.Create(tmp.Combine("repo"), RepoMode.BareUser);
        var commit = repo.Commit(tmp.Combine("tree"), new CommitOptions { Branch = "t", Subject = "s" });
        string commitObject = repo.Objects.GetLoosePath(commit, ObjectType.Commit);

        // An OpenSSL key; its PKCS#8 DER ends with the 32-byte seed, its SubjectPublicKeyInfo DER with the public key.
        string keyPem = tmp.Combine("key.pem");
        ExternalTool.Output("openssl", "genpkey", "-algorithm", "ed25519", "-out", keyPem);
        ExternalTool.Output("openssl", "pkey", "-in", keyPem, "-outform", "DER", "-out", tmp.Combine("key.der"));
        ExternalTool.Output("openssl", "pkey", "-in", keyPem, "-pubout", "-outform", "DER", "-out", tmp.Combine("pub.der"));
        byte[] seed = File.ReadAllBytes(tmp.Combine("key.der"))[^32..];
        byte[] pub = File.ReadAllBytes(tmp.Combine("pub.der"))[^32..];
        Assert.Equal(pub, Ed25519CommitSigner.PublicKeyOf([.. seed, .. pub]));

        Ed25519CommitSigner.Sign(repo, commit, [.. seed, .. pub]);
        var signatures = SignatureContainer.Read(repo.Objects.ReadDetachedMetadata(commit), Ed25519CommitSigner.MetadataKey);
        byte[] ours = Assert.Single(signatures);
        File.WriteAllBytes(tmp.Combine("ours.sig"), ours);

        ExternalTool.Output("openssl", "pkeyutl", "-sign", "-rawin", "-inkey", keyPem, "-in", commitObject, "-out", tmp.Combine("openssl.sig"));
        Assert.Equal(File.ReadAllBytes(tmp.Combine("openssl.sig")), ours);
        string verified = ExternalTool.Output("openssl", "pkeyutl", "-verify", "-rawin", "-pubin", "-inkey", tmp.Combine("pub.der"), "-keyform", "DER",
            "-in", commitObject, "-sigfile", tmp.Combine("ours.sig"));
        Assert.Contains("Signature Verified Successfully", verified, StringComparison.Ordinal);

        // A signature OpenSSL makes with another key is checked by us like any other: it verifies with that key only.
        string otherPem = tmp.Combine("other.pem");
        ExternalTool.Output("openssl", "genpkey", "-algorithm", "ed25519", "-out", otherPem);
        ExternalTool.Output("openssl", "pkey", "-in", otherPem, "-pubout", "-outform", "DER", "-out", tmp.Combine("other-pub.der"));
        ExternalTool.Output("openssl", "pkeyutl", "-sign", "-rawin", "-inkey", otherPem, "-in", commitObject, "-out", tmp.Combine("other.sig"));
        byte[] otherPub = File.ReadAllBytes(tmp.Combine("other-pub.der"))[^32..];
        byte[] commitBytes = File.ReadAllBytes(commitObject);
        Assert.True(Ed25519Signatures.VerifyAny(commitBytes, [File.ReadAllBytes(tmp.Combine("other.sig"))], [otherPub]));
        Assert.False(Ed25519Signatures.VerifyAny(commitBytes, [File.ReadAllBytes(tmp.Combine("other.sig"))], [pub]));
    }
}
