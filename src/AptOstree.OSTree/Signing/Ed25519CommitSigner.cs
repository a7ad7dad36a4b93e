using AptOstree.OSTree.GVariant;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;

namespace AptOstree.OSTree;

/// <summary>
/// ed25519 commit signatures in libostree's format: each signature (64 bytes over the commit object's bytes) is an
/// element of the <c>aay</c> under <c>ostree.sign.ed25519</c> in the commit's detached metadata. Keys use
/// libostree's encoding: public keys are 32 raw bytes (base64 in key files), secret keys 64 bytes (seed ‖ public).
/// </summary>
public static class Ed25519CommitSigner
{
    /// <summary>The detached-metadata key libostree uses.</summary>
    public const string MetadataKey = "ostree.sign.ed25519";

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
        var signer = new Ed25519Signer();
        signer.Init(true, Private(secretKey));
        signer.BlockUpdate(data, 0, data.Length);
        byte[] signature = signer.GenerateSignature();

        var existing = repository.Objects.ReadDetachedMetadata(commit)?.ToList() ?? [];
        int index = existing.FindIndex(kv => kv.Key == MetadataKey);
        var signatures = index >= 0 && existing[index].Value.Value is object[] old ? old.ToList() : [];
        if (!signatures.Any(s => ((byte[])s).AsSpan().SequenceEqual(signature)))
        {
            signatures.Add(signature);
        }

        var entry = new KeyValuePair<string, GVariantValue>(MetadataKey, new GVariantValue("aay", signatures.ToArray()));
        if (index >= 0)
        {
            existing[index] = entry;
        }
        else
        {
            existing.Add(entry);
        }

        byte[] bytes = GVariantSerializer.Serialize("a{sv}", existing.Select(kv => (object)new object[] { kv.Key, kv.Value }).ToArray());
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
        var signatures = repository.Objects.ReadDetachedMetadata(commit)?.FirstOrDefault(kv => kv.Key == MetadataKey).Value?.Value as object[];
        if (signatures is null)
        {
            return false;
        }

        foreach (var key in publicKeys)
        {
            if (key.Length != 32)
            {
                throw new AptOstreeException(OSTreeErrorCodes.InvalidKey, $"An ed25519 public key has 32 bytes, not {key.Length}.");
            }

            var pub = new Ed25519PublicKeyParameters(key, 0);
            foreach (byte[] signature in signatures.Cast<byte[]>())
            {
                var verifier = new Ed25519Signer();
                verifier.Init(false, pub);
                verifier.BlockUpdate(data, 0, data.Length);
                if (signature.Length == 64 && verifier.VerifySignature(signature))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>Like <see cref="Verify"/>, throwing when no signature verifies.</summary>
    public static void EnsureValid(OstreeRepository repository, Checksum commit, IEnumerable<byte[]> publicKeys)
    {
        if (!Verify(repository, commit, publicKeys))
        {
            throw new AptOstreeException(OSTreeErrorCodes.SignatureInvalid, $"No valid ed25519 signature on commit {commit}.");
        }
    }

    private static Ed25519PrivateKeyParameters Private(byte[] secretKey)
    {
        ArgumentNullException.ThrowIfNull(secretKey);
        return secretKey.Length is 32 or 64
            ? new Ed25519PrivateKeyParameters(secretKey, 0)
            : throw new AptOstreeException(OSTreeErrorCodes.InvalidKey, $"An ed25519 secret key has 64 bytes (or a 32-byte seed), not {secretKey.Length}.");
    }
}
