using AptOstree.OpenPgp;
using System.Globalization;
using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;
using Org.BouncyCastle.Security;

namespace AptOstree.OSTree;

/// <summary>
/// An OpenPGP secret key to sign commits and summaries with, read from an exported secret keyring
/// (<c>gpg --export-secret-keys</c>, binary or armored). It is chosen like gpg's <c>--local-user</c>: by fingerprint,
/// long or short key id (optionally <c>0x</c>-prefixed) or a user-id substring; naming a primary key signs with
/// its newest valid signing subkey when it has one, else with the primary key.
/// </summary>
public sealed class GpgSigningKey
{
    private readonly PgpPrivateKey _privateKey;
    private readonly PgpPublicKey _publicKey;
    private readonly TimeProvider _timeProvider;

    private GpgSigningKey(PgpPrivateKey privateKey, PgpPublicKey publicKey, string fingerprint, TimeProvider timeProvider)
    {
        _privateKey = privateKey;
        _publicKey = publicKey;
        Fingerprint = fingerprint;
        _timeProvider = timeProvider;
    }

    /// <summary>The fingerprint of the certificate's primary key (40 hex digits, upper case), as verification reports it.</summary>
    public string Fingerprint { get; }

    /// <summary>The 64-bit id of the key that signs (the primary key or a subkey), as 16 hex digits.</summary>
    public string SigningKeyId => _publicKey.KeyId.ToString("X16", CultureInfo.InvariantCulture);

    internal long KeyId => _publicKey.KeyId;

    /// <summary>Reads the key named <paramref name="keyId"/> from a secret keyring stream.</summary>
    /// <param name="stream">An exported secret keyring (binary or armored).</param>
    /// <param name="keyId">Fingerprint, long/short key id, or user-id substring.</param>
    /// <param name="passphrase">The key's passphrase; null for an unprotected key.</param>
    /// <param name="sourceName">Names the keyring in messages.</param>
    /// <param name="timeProvider">The clock that judges key expiry and dates signatures; the system clock when null.</param>
    /// <exception cref="AptOstreeException">Unreadable keyring, no such signing key, or a wrong passphrase (<see cref="OstreeErrorCodes.InvalidKey"/>).</exception>
    public static GpgSigningKey Load(Stream stream, string keyId, string? passphrase = null, string sourceName = "secret keyring", TimeProvider? timeProvider = null)
    {
        var clock = timeProvider ?? TimeProvider.System;
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentException.ThrowIfNullOrWhiteSpace(keyId);
        List<PgpSecretKeyRing> rings;
        try
        {
            using var decoder = PgpUtilities.GetDecoderStream(stream);
            rings = new PgpSecretKeyRingBundle(decoder).GetKeyRings().ToList();
        }
        catch (Exception ex) when (ex is PgpException or IOException or ArgumentException or InvalidOperationException)
        {
            throw new AptOstreeException(OstreeErrorCodes.InvalidKey, $"{sourceName} is not an OpenPGP secret keyring: {ex.Message}", ex);
        }

        foreach (var ring in rings)
        {
            var keys = ring.GetSecretKeys().ToList();
            var named = keys.FirstOrDefault(k => Matches(k.PublicKey, keyId))
                ?? (MatchesUserId(ring.GetPublicKey(), keyId) ? keys[0] : null);
            if (named is null)
            {
                continue;
            }

            var chosen = named.IsMasterKey
                ? keys.Where(k => !k.IsMasterKey && CanSign(k.PublicKey, clock)).OrderByDescending(k => k.PublicKey.CreationTime).FirstOrDefault() ?? named
                : named;
            if (!CanSign(chosen.PublicKey, clock) || chosen.IsPrivateKeyEmpty)
            {
                throw new AptOstreeException(OstreeErrorCodes.InvalidKey, $"{sourceName}: key {keyId} has no usable secret signing key.");
            }

            PgpPrivateKey privateKey;
            try
            {
                privateKey = chosen.ExtractPrivateKey(passphrase?.ToCharArray() ?? []);
            }
            catch (PgpException ex)
            {
                throw new AptOstreeException(OstreeErrorCodes.InvalidKey, $"{sourceName}: the secret key {keyId} cannot be unlocked (protected by a passphrase?): {ex.Message}", ex);
            }

            return new GpgSigningKey(privateKey, chosen.PublicKey, Convert.ToHexString(ring.GetPublicKey().GetFingerprint()), clock);
        }

        throw new AptOstreeException(OstreeErrorCodes.InvalidKey, $"{sourceName} holds no secret key matching '{keyId}'.");
    }

    /// <summary>Reads the key named <paramref name="keyId"/> from a secret keyring file.</summary>
    /// <param name="path">An exported secret keyring file (binary or armored).</param>
    /// <param name="keyId">Fingerprint, long/short key id, or user-id substring.</param>
    /// <param name="passphrase">The key's passphrase; null for an unprotected key.</param>
    /// <param name="timeProvider">The clock that judges key expiry and dates signatures; the system clock when null.</param>
    /// <exception cref="AptOstreeException">Unreadable keyring, no such signing key, or a wrong passphrase (<see cref="OstreeErrorCodes.InvalidKey"/>).</exception>
    public static GpgSigningKey LoadFile(string path, string keyId, string? passphrase = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        // A user-given key file outside any repository: the real file system.
        using var stream = File.OpenRead(path);
        return Load(stream, keyId, passphrase, path, timeProvider);
    }

    /// <summary>A binary detached signature (one signature packet) over <paramref name="data"/>, SHA-512, dated by the key's clock.</summary>
    internal byte[] Sign(ReadOnlySpan<byte> data)
    {
        var generator = new PgpSignatureGenerator(_publicKey.Algorithm, HashAlgorithmTag.Sha512);
        generator.InitSign(PgpSignature.BinaryDocument, _privateKey, new SecureRandom());
        var subpackets = new PgpSignatureSubpacketGenerator();
        subpackets.SetSignatureCreationTime(false, _timeProvider.GetUtcNow().UtcDateTime);
        subpackets.SetIssuerFingerprint(false, _publicKey);
        generator.SetHashedSubpackets(subpackets.Generate());
        generator.Update(data.ToArray());
        return generator.Generate().GetEncoded();
    }

    private static bool Matches(PgpPublicKey key, string keyId) => OpenPgpKeyring.NamesKey(keyId, Convert.ToHexString(key.GetFingerprint()));

    private static bool MatchesUserId(PgpPublicKey primary, string keyId) =>
        primary.GetUserIds().Any(uid => uid.Contains(keyId.Trim('<', '>'), StringComparison.OrdinalIgnoreCase));

    /// <summary>Signing-capable by algorithm and by its key flags (binding or self-signature), not revoked, not expired.</summary>
    private static bool CanSign(PgpPublicKey key, TimeProvider clock)
    {
        if (!key.IsMasterKey && key.Algorithm is PublicKeyAlgorithmTag.ECDH or PublicKeyAlgorithmTag.ElGamalEncrypt or PublicKeyAlgorithmTag.RsaEncrypt)
        {
            return false;
        }

        if (key.HasRevocation())
        {
            return false;
        }

        long validSeconds = key.GetValidSeconds();
        if (validSeconds > 0 && clock.GetUtcNow().UtcDateTime > key.CreationTime.AddSeconds(validSeconds))
        {
            return false;
        }

        int? flags = null;
        foreach (PgpSignature sig in key.GetSignatures())
        {
            if (sig.GetHashedSubPackets() is { } hashed && hashed.HasSubpacket(SignatureSubpacketTag.KeyFlags))
            {
                flags = hashed.GetKeyFlags();
                break;
            }
        }

        return flags is null ? key.IsMasterKey : (flags.Value & PgpKeyFlags.CanSign) != 0;
    }
}
