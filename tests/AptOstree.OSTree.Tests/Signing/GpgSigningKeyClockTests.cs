using System.Globalization;
using AptOstree.Testing;

namespace AptOstree.OSTree.Tests.Signing;

/// <summary>A signing key reads the time only through its <see cref="TimeProvider"/>: signature dates and key expiry.</summary>
public sealed class GpgSigningKeyClockTests
{
    private static readonly DateTimeOffset Later = new(2040, 1, 2, 3, 4, 5, TimeSpan.Zero);

    [SkippableFact]
    public void Sign_WithFixedClock_DatesTheSignatureByThatClock_AsGpgReadsIt()
    {
        using var gpg = GpgTestKey.Create("clock@example.invalid");
        var key = GpgSigningKey.LoadFile(gpg.SecretKeyring, gpg.Email, timeProvider: new FixedTimeProvider(Later));

        string signature = Path.Combine(gpg.Home, "clock.sig");
        File.WriteAllBytes(signature, key.Sign("dated\n"u8));
        string packets = gpg.Gpg("--list-packets", signature);

        Assert.Contains("created " + Later.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), packets, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void Load_WhenTheClockIsPastTheSubkeysExpiry_SignsWithThePrimaryKey()
    {
        using var gpg = GpgTestKey.Create("expiry@example.invalid");
        gpg.Gpg("--pinentry-mode", "loopback", "--passphrase", "", "--quick-add-key", gpg.Fingerprint, "ed25519", "sign", "2y");
        gpg.Gpg("--pinentry-mode", "loopback", "--passphrase", "", "--output", gpg.SecretKeyring, "--export-secret-keys", gpg.Email);
        string primaryKeyId = gpg.Fingerprint[^16..];

        var today = GpgSigningKey.LoadFile(gpg.SecretKeyring, gpg.Fingerprint);
        var inThreeYears = GpgSigningKey.LoadFile(gpg.SecretKeyring, gpg.Fingerprint, timeProvider: new FixedTimeProvider(DateTimeOffset.UtcNow.AddYears(3)));

        Assert.NotEqual(primaryKeyId, today.SigningKeyId);   // the newer signing subkey, as gpg --local-user picks it
        Assert.Equal(primaryKeyId, inThreeYears.SigningKeyId);
    }
}
