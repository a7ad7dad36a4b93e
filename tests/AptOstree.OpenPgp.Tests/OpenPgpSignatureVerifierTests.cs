using AptOstree.OpenPgp;
using AptOstree.Testing;

namespace AptOstree.OpenPgp.Tests;

/// <summary>Detached signatures made by the real gpg, checked by <see cref="OpenPgpSignatureVerifier"/> under gpgv's rules.</summary>
public sealed class OpenPgpSignatureVerifierTests
{
    private static readonly byte[] Data = "line one  \nline two\n"u8.ToArray();

    [SkippableFact]
    public void Binary_and_armored_signatures_verify_and_name_the_key()
    {
        using var gpg = GpgTestKey.Create();
        var keyring = OpenPgpKeyring.LoadFile(gpg.Export(armor: false));
        Assert.Equal(OpenPgpKeyring.LoadFile(gpg.Export(armor: true)).Fingerprints, keyring.Fingerprints);
        Assert.Equal([gpg.Fingerprint], keyring.Fingerprints);

        Assert.Equal(gpg.Fingerprint, OpenPgpSignatureVerifier.VerifyDetached(Data, gpg.Sign(Data, "--detach-sign"), keyring));
        Assert.Equal(gpg.Fingerprint, OpenPgpSignatureVerifier.VerifyDetached(Data, gpg.Sign(Data, "--detach-sign", "--armor"), keyring));

        // Canonical text (gpg --textmode): verified over CR LF lines without trailing blanks.
        Assert.Equal(gpg.Fingerprint, OpenPgpSignatureVerifier.VerifyDetached(Data, gpg.Sign(Data, "--detach-sign", "--textmode"), keyring));

        byte[] changed = [.. Data];
        changed[0] ^= 1;
        var ex = Assert.Throws<OpenPgpSignatureException>(() => OpenPgpSignatureVerifier.VerifyDetached(changed, gpg.Sign(Data, "--detach-sign"), keyring, "x"));
        Assert.Equal(CoreErrorCodes.BadSignature, ex.ErrorCode);
        Assert.Contains("does not match", Assert.Single(ex.Problems), StringComparison.Ordinal);
    }

    [SkippableFact]
    public void Unknown_keys_weak_digests_and_revoked_keys_are_refused()
    {
        using var gpg = GpgTestKey.Create();
        using var other = GpgTestKey.Create();
        var keyring = OpenPgpKeyring.LoadFile(gpg.Export(armor: false));
        byte[] signature = gpg.Sign(Data, "--detach-sign");

        var ex = Assert.Throws<OpenPgpSignatureException>(() => OpenPgpSignatureVerifier.VerifyDetached(Data, signature, OpenPgpKeyring.LoadFile(other.Export(armor: false))));
        Assert.Contains("NO_PUBKEY", ex.Message, StringComparison.Ordinal);

        ex = Assert.Throws<OpenPgpSignatureException>(() => OpenPgpSignatureVerifier.VerifyDetached(Data, gpg.Sign(Data, "--detach-sign", "--digest-algo", "SHA1"), keyring));
        Assert.Contains("weak digest", ex.Message, StringComparison.Ordinal);

        // The key revoked (gpg's own revocation certificate imported): its earlier signature no longer counts.
        string revocation = File.ReadAllText(Path.Combine(gpg.Home, "openpgp-revocs.d", gpg.Fingerprint + ".rev")).Replace(":-----BEGIN", "-----BEGIN", StringComparison.Ordinal);
        File.WriteAllText(Path.Combine(gpg.Home, "rev.asc"), revocation);
        gpg.Gpg("--import", Path.Combine(gpg.Home, "rev.asc"));
        ex = Assert.Throws<OpenPgpSignatureException>(() => OpenPgpSignatureVerifier.VerifyDetached(Data, signature, OpenPgpKeyring.LoadFile(gpg.Export(armor: false))));
        Assert.Contains("revoked", ex.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void VerifyAll_counts_every_valid_block_and_reports_unreadable_ones()
    {
        using var gpg = GpgTestKey.Create();
        using var other = GpgTestKey.Create();
        var both = OpenPgpKeyring.Combine([OpenPgpKeyring.LoadFile(gpg.Export(armor: false)), OpenPgpKeyring.LoadFile(other.Export(armor: false))]);
        byte[] first = gpg.Sign(Data, "--detach-sign");
        byte[] second = other.Sign(Data, "--detach-sign");
        Assert.Equal([gpg.Fingerprint, other.Fingerprint], OpenPgpSignatureVerifier.VerifyAll(Data, [first, first[..^10], second], both));

        var ex = Assert.Throws<OpenPgpSignatureException>(() => OpenPgpSignatureVerifier.VerifyAll(Data, [first[..^10], [1, 2, 3]], both, "blob"));
        Assert.Equal(2, ex.Problems.Count);
        Assert.Contains("blob", ex.Message, StringComparison.Ordinal);
        Assert.Throws<OpenPgpSignatureException>(() => OpenPgpSignatureVerifier.VerifyAll(Data, [], both));
    }

    [Fact]
    public void A_file_that_is_not_a_keyring_is_our_exception()
    {
        var ex = Assert.Throws<InvalidFormatException>(() => OpenPgpKeyring.Load(new MemoryStream("not a key"u8.ToArray()), "junk"));
        Assert.Equal(CoreErrorCodes.InvalidKeyring, ex.ErrorCode);
        Assert.Contains("junk", ex.Message, StringComparison.Ordinal);
        ex = Assert.Throws<InvalidFormatException>(() => OpenPgpKeyring.Load(new MemoryStream([]), "empty"));
        Assert.Equal(CoreErrorCodes.InvalidKeyring, ex.ErrorCode);
    }
}
