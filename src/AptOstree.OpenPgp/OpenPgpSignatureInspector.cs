using System.Globalization;
using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;
using Org.BouncyCastle.Bcpg.Sig;

namespace AptOstree.OpenPgp;

/// <summary>
/// Describes each signature over some data, good or not, the way gpg reports it to its callers (gpgme): what
/// <c>ostree show</c> lists under "Found N signatures". <see cref="OpenPgpSignatureVerifier"/> decides; this reports.
/// </summary>
public static class OpenPgpSignatureInspector
{
    /// <summary>One <see cref="OpenPgpSignatureCheck"/> per readable signature in <paramref name="signatureBlocks"/>, in order; unreadable blocks are skipped.</summary>
    /// <param name="data">The signed bytes.</param>
    /// <param name="signatureBlocks">Detached signature blocks (binary or armored).</param>
    /// <param name="keyring">The keys to check with.</param>
    /// <param name="timeProvider">The clock expirations are judged by; the system clock when null.</param>
    public static IReadOnlyList<OpenPgpSignatureCheck> Check(ReadOnlySpan<byte> data, IEnumerable<byte[]> signatureBlocks, OpenPgpKeyring keyring, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(signatureBlocks);
        ArgumentNullException.ThrowIfNull(keyring);
        byte[] bytes = data.ToArray();
        byte[]? canonical = null;
        var at = (timeProvider ?? TimeProvider.System).GetUtcNow();
        var checks = new List<OpenPgpSignatureCheck>();
        foreach (byte[] block in signatureBlocks)
        {
            foreach (var signature in OpenPgpSignatureVerifier.ReadSignatures(block, "signature", problems: []))
            {
                byte[] signed = signature.SignatureType == PgpSignature.CanonicalTextDocument ? canonical ??= OpenPgpSignatureVerifier.CanonicalText(bytes) : bytes;
                checks.Add(Check(signature, signed, keyring, at));
            }
        }

        return checks;
    }

    private static OpenPgpSignatureCheck Check(PgpSignature signature, byte[] signed, OpenPgpKeyring keyring, DateTimeOffset now)
    {
        var created = new DateTimeOffset(DateTime.SpecifyKind(signature.CreationTime, DateTimeKind.Utc));
        long expirySeconds = signature.GetHashedSubPackets()?.GetSignatureExpirationTime() ?? 0;
        DateTimeOffset? signatureExpires = expirySeconds > 0 ? created.AddSeconds(expirySeconds) : null;
        bool signatureExpired = signatureExpires < now;
        string algorithm = AlgorithmName(signature.KeyAlgorithm);

        var candidates = keyring.FindKeys(signature.KeyId).ToList();
        if (candidates.Count == 0)
        {
            return new OpenPgpSignatureCheck
            {
                KeyMissing = true,
                SignatureExpired = signatureExpired,
                Fingerprint = IssuerFingerprint(signature),
                PublicKeyAlgorithm = algorithm,
                Created = created,
                SignatureExpires = signatureExpires,
            };
        }

        // The first key that verifies, else the first with this id (as gpg, which tries the keys it has).
        var (key, ring) = candidates.FirstOrDefault(c => Verifies(signature, c.Key, signed)) is { Key: not null } good ? good : candidates[0];
        bool cryptographicallyGood = Verifies(signature, key, signed);
        var primary = ring.GetPublicKey();
        DateTimeOffset? keyExpires = Expiry(key, ring.GetValidSeconds(key));
        DateTimeOffset? primaryExpires = Expiry(primary, ring.GetValidSeconds(primary));
        bool revoked = key.HasRevocation() || primary.HasRevocation();
        bool keyExpired = keyExpires < now || primaryExpires < now;
        bool weakDigest = OpenPgpSignatureVerifier.IsWeakDigest(signature.HashAlgorithm);
        var (name, email) = SplitUserId(primary.GetUserIds().FirstOrDefault() ?? string.Empty);
        return new OpenPgpSignatureCheck
        {
            Valid = cryptographicallyGood && !revoked && !keyExpired && !signatureExpired && !weakDigest,
            KeyRevoked = revoked,
            KeyExpired = keyExpired,
            SignatureExpired = signatureExpired,
            Fingerprint = Convert.ToHexString(key.GetFingerprint()),
            PrimaryFingerprint = Convert.ToHexString(primary.GetFingerprint()),
            PublicKeyAlgorithm = algorithm,
            Created = created,
            SignatureExpires = signatureExpires,
            KeyExpires = keyExpires,
            PrimaryKeyExpires = primaryExpires,
            UserName = name,
            UserEmail = email,
        };
    }

    private static bool Verifies(PgpSignature signature, PgpPublicKey key, byte[] signed)
    {
        try
        {
            signature.InitVerify(key);
            signature.Update(signed);
            return signature.Verify();
        }
        catch (PgpException)
        {
            return false;
        }
    }

    private static DateTimeOffset? Expiry(PgpPublicKey key, long validSeconds) =>
        validSeconds > 0 ? new DateTimeOffset(DateTime.SpecifyKind(key.CreationTime, DateTimeKind.Utc)).AddSeconds(validSeconds) : null;

    /// <summary>The issuer fingerprint subpacket when the signature has one, else its key id.</summary>
    private static string IssuerFingerprint(PgpSignature signature)
    {
        foreach (var vector in new[] { signature.GetHashedSubPackets(), signature.GetUnhashedSubPackets() })
        {
            if (vector?.GetSubpackets(SignatureSubpacketTag.IssuerFingerprint).OfType<IssuerFingerprint>().FirstOrDefault() is { } issuer)
            {
                return Convert.ToHexString(issuer.GetFingerprint());
            }
        }

        return signature.KeyId.ToString("X16", CultureInfo.InvariantCulture);
    }

    /// <summary>gpgme's names (<c>gpgme_pubkey_algo_name</c>).</summary>
    private static string AlgorithmName(PublicKeyAlgorithmTag algorithm) => algorithm switch
    {
        PublicKeyAlgorithmTag.RsaGeneral or PublicKeyAlgorithmTag.RsaSign or PublicKeyAlgorithmTag.RsaEncrypt => "RSA",
        PublicKeyAlgorithmTag.Dsa => "DSA",
        PublicKeyAlgorithmTag.ElGamalEncrypt or PublicKeyAlgorithmTag.ElGamalGeneral => "ELG",
        PublicKeyAlgorithmTag.ECDsa => "ECDSA",
        PublicKeyAlgorithmTag.ECDH => "ECDH",
        PublicKeyAlgorithmTag.EdDsa_Legacy or PublicKeyAlgorithmTag.Ed25519 or PublicKeyAlgorithmTag.Ed448 => "EdDSA",
        _ => algorithm.ToString(),
    };

    /// <summary>"Name (comment) &lt;email&gt;" → (Name, email), as gpgme splits a user id.</summary>
    private static (string Name, string Email) SplitUserId(string userId)
    {
        int open = userId.LastIndexOf('<');
        int close = userId.LastIndexOf('>');
        string email = open >= 0 && close > open ? userId[(open + 1)..close] : string.Empty;
        string name = (open >= 0 ? userId[..open] : userId).Trim();
        int comment = name.IndexOf(" (", StringComparison.Ordinal);
        return (comment > 0 && name.EndsWith(')') ? name[..comment] : name, email);
    }
}
