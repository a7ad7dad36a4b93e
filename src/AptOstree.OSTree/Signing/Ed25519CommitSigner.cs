using Org.BouncyCastle.Crypto.Parameters;

namespace AptOstree.OSTree;

/// <summary>
/// ed25519 commit signatures in libostree's format: each signature (64 bytes over the commit object's bytes) is an
/// element of the <c>aay</c> under <c>ostree.sign.ed25519</c> in the commit's detached metadata. Keys use
/// libostree's encoding: public keys are 32 raw bytes (base64 in key files), secret keys 64 bytes (seed ‖ public).
/// </summary>
public static class Ed25519CommitSigner
{
    /// <summary>The detached-metadata key libostree uses.</summary>
    public const string MetadataKey = Ed25519Signatures.MetadataKey;

    /// <summary>Generates a key pair: (64-byte secret key, 32-byte public key).</summary>
    public static (byte[] SecretKey, byte[] PublicKey) GenerateKeyPair()
    {
        var secret = new Ed25519PrivateKeyParameters(new Org.BouncyCastle.Security.SecureRandom());
        byte[] pub = secret.GeneratePublicKey().GetEncoded();
        return ([.. secret.GetEncoded(), .. pub], pub);
    }

    /// <summary>The public key of a 32-byte seed or 64-byte libostree secret key.</summary>
    public static byte[] PublicKeyOf(byte[] secretKey) => Private(secretKey).GeneratePublicKey().GetEncoded();

    /// <summary>Signs a commit and stores the signature in its detached metadata (keeping other keys and signatures).</summary>
    public static void Sign(OstreeRepository repository, Checksum commit, byte[] secretKey)
    {
        ArgumentNullException.ThrowIfNull(repository);
        byte[] data = repository.Objects.ReadMetadataBytes(commit, ObjectType.Commit, verify: true);
        byte[] bytes = SignatureContainer.Append(repository.Objects.ReadDetachedMetadata(commit), Ed25519Signatures.Sign(data, secretKey), MetadataKey);
        using var transaction = repository.BeginTransaction();
        transaction.WriteMetadata(ObjectType.CommitMeta, bytes, commit);
        transaction.Complete();
    }

    /// <summary>True when at least one signature on the commit verifies with one of <paramref name="publicKeys"/>.</summary>
    public static bool Verify(OstreeRepository repository, Checksum commit, IEnumerable<byte[]> publicKeys)
    {
        ArgumentNullException.ThrowIfNull(repository);
        ArgumentNullException.ThrowIfNull(publicKeys);
        byte[] data = repository.Objects.ReadMetadataBytes(commit, ObjectType.Commit, verify: true);
        return Ed25519Signatures.VerifyAny(data, SignatureContainer.Read(repository.Objects.ReadDetachedMetadata(commit), MetadataKey), publicKeys);
    }

    /// <summary>Like <see cref="Verify"/>, throwing when no signature verifies.</summary>
    public static void EnsureValid(OstreeRepository repository, Checksum commit, IEnumerable<byte[]> publicKeys)
    {
        if (!Verify(repository, commit, publicKeys))
        {
            throw new AptOstreeException(OstreeErrorCodes.SignatureInvalid, $"No valid ed25519 signature on commit {commit}.");
        }
    }

    private static Ed25519PrivateKeyParameters Private(byte[] secretKey) => Ed25519Signatures.PrivateKey(secretKey);
}
