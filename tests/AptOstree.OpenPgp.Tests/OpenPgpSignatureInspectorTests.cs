using AptOstree.OpenPgp;
using AptOstree.Testing;

namespace AptOstree.OpenPgp.Tests;

/// <summary>Each signature described as gpg reports it: good, unknown key, bad data, revoked key, made by a subkey.</summary>
public sealed class OpenPgpSignatureInspectorTests
{
    private static readonly byte[] Data = "inspected\n"u8.ToArray();

    [SkippableFact]
    public void Check_DescribesEverySignature_WithoutThrowing()
    {
        using var gpg = GpgTestKey.Create("inspected@example.invalid");
        using var stranger = GpgTestKey.Create();
        var keyring = OpenPgpKeyring.LoadFile(gpg.Export(armor: false));
        byte[] good = gpg.Sign(Data, "--detach-sign");
        byte[] unknown = stranger.Sign(Data, "--detach-sign");

        var checks = OpenPgpSignatureInspector.Check(Data, [good, unknown, [1, 2, 3]], keyring);
        Assert.Equal(2, checks.Count);
        var first = checks[0];
        Assert.True(first.Valid);
        Assert.False(first.KeyMissing);
        Assert.Equal(gpg.Fingerprint, first.Fingerprint);
        Assert.Equal(gpg.Fingerprint, first.PrimaryFingerprint);
        Assert.Equal(gpg.Fingerprint[^16..], first.KeyId);
        Assert.Equal(("Test", "inspected@example.invalid", "EdDSA"), (first.UserName, first.UserEmail, first.PublicKeyAlgorithm));
        Assert.InRange(first.Created, DateTimeOffset.UtcNow.AddMinutes(-10), DateTimeOffset.UtcNow.AddMinutes(1));
        Assert.Null(first.KeyExpires);

        Assert.True(checks[1].KeyMissing);
        Assert.False(checks[1].Valid);
        Assert.Equal(stranger.Fingerprint, checks[1].Fingerprint);   // from the issuer-fingerprint subpacket

        byte[] changed = [.. Data, (byte)'!'];
        var bad = Assert.Single(OpenPgpSignatureInspector.Check(changed, [good], keyring));
        Assert.False(bad.Valid || bad.KeyMissing || bad.KeyRevoked);

        // A subkey that signs, with an expiry: the primary is named separately and the expiry is reported.
        gpg.Gpg("--pinentry-mode", "loopback", "--passphrase", "", "--quick-add-key", gpg.Fingerprint, "ed25519", "sign", "2y");
        var withSubkey = OpenPgpKeyring.LoadFile(gpg.Export(armor: false));
        var bySubkey = Assert.Single(OpenPgpSignatureInspector.Check(Data, [gpg.Sign(Data, "--detach-sign")], withSubkey));
        Assert.True(bySubkey.Valid);
        Assert.Equal(gpg.Fingerprint, bySubkey.PrimaryFingerprint);
        Assert.NotEqual(bySubkey.PrimaryFingerprint, bySubkey.Fingerprint);
        Assert.InRange(bySubkey.KeyExpires!.Value, DateTimeOffset.UtcNow.AddDays(700), DateTimeOffset.UtcNow.AddDays(740));
        Assert.True(Assert.Single(OpenPgpSignatureInspector.Check(Data, [gpg.Sign(Data, "--detach-sign")], withSubkey, new FixedTimeProvider(DateTimeOffset.UtcNow.AddYears(3)))).KeyExpired);

        // Revoked: reported as such, not valid.
        string revocation = File.ReadAllText(Path.Combine(gpg.Home, "openpgp-revocs.d", gpg.Fingerprint + ".rev")).Replace(":-----BEGIN", "-----BEGIN", StringComparison.Ordinal);
        File.WriteAllText(Path.Combine(gpg.Home, "rev.asc"), revocation);
        gpg.Gpg("--import", Path.Combine(gpg.Home, "rev.asc"));
        var afterRevocation = Assert.Single(OpenPgpSignatureInspector.Check(Data, [good], OpenPgpKeyring.LoadFile(gpg.Export(armor: false))));
        Assert.True(afterRevocation.KeyRevoked);
        Assert.False(afterRevocation.Valid);
    }
}
