using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;

namespace AptOstree.OSTree;

/// <summary>
/// The ed25519 primitives shared by commit and summary signing; the signatures are the <c>aay</c> under
/// <c>ostree.sign.ed25519</c> in a <see cref="SignatureContainer"/>.
/// </summary>
internal static class Ed25519Signatures
{
    public const string MetadataKey = "ostree.sign.ed25519";

    public static byte[] Sign(ReadOnlySpan<byte> data, byte[] secretKey)
    {
        var signer = new Ed25519Signer();
        signer.Init(true, PrivateKey(secretKey));
        signer.BlockUpdate(data);
        return signer.GenerateSignature();
    }

    /// <summary>True when one of <paramref name="signatures"/> over <paramref name="data"/> verifies with one of <paramref name="publicKeys"/>.</summary>
    public static bool VerifyAny(ReadOnlySpan<byte> data, IReadOnlyList<byte[]> signatures, IEnumerable<byte[]> publicKeys)
    {
        foreach (var key in publicKeys)
        {
            if (key.Length != 32)
            {
                throw new AptOstreeException(OstreeErrorCodes.InvalidKey, $"An ed25519 public key has 32 bytes, not {key.Length}.");
            }

            Ed25519PublicKeyParameters pub;
            try
            {
                pub = new Ed25519PublicKeyParameters(key, 0);
            }
            catch (ArgumentException ex)
            {
                throw new AptOstreeException(OstreeErrorCodes.InvalidKey, $"An ed25519 public key ({Convert.ToBase64String(key)}) is not a point on the curve.", ex);
            }

            foreach (byte[] signature in signatures)
            {
                var verifier = new Ed25519Signer();
                verifier.Init(false, pub);
                verifier.BlockUpdate(data);
                if (signature.Length == 64 && verifier.VerifySignature(signature))
                {
                    return true;
                }
            }
        }

        return false;
    }

    public static Ed25519PrivateKeyParameters PrivateKey(byte[] secretKey)
    {
        ArgumentNullException.ThrowIfNull(secretKey);
        return secretKey.Length is 32 or 64
            ? new Ed25519PrivateKeyParameters(secretKey, 0)
            : throw new AptOstreeException(OstreeErrorCodes.InvalidKey, $"An ed25519 secret key has 64 bytes (or a 32-byte seed), not {secretKey.Length}.");
    }
}
