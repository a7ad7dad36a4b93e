using AptOstree.OSTree.GVariant;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;

namespace AptOstree.OSTree;

/// <summary>
/// The ed25519 primitives shared by commit and summary signing, and libostree's signature container: an
/// <c>a{sv}</c> whose <c>ostree.sign.ed25519</c> entry is an <c>aay</c> of 64-byte signatures.
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
                throw new AptOstreeException(OSTreeErrorCodes.InvalidKey, $"An ed25519 public key has 32 bytes, not {key.Length}.");
            }

            var pub = new Ed25519PublicKeyParameters(key, 0);
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

    /// <summary>The signatures under <paramref name="key"/> (an <c>aay</c>) in an <c>a{sv}</c>; empty when there are none.</summary>
    public static IReadOnlyList<byte[]> Read(IReadOnlyList<KeyValuePair<string, GVariantValue>>? metadata, string key = MetadataKey) =>
        metadata?.FirstOrDefault(kv => kv.Key == key).Value is { Type: "aay", Value: object[] items }
            ? items.Cast<byte[]>().ToArray()
            : [];

    /// <summary>Parses an <c>a{sv}</c> signature container (a <c>.commitmeta</c> object or <c>summary.sig</c>).</summary>
    public static IReadOnlyList<KeyValuePair<string, GVariantValue>> ParseContainer(ReadOnlySpan<byte> bytes, string sourceName) =>
        ((object[])GVariantSerializer.Deserialize("a{sv}", bytes, sourceName, requireNormalForm: false))
            .Cast<object[]>().Select(e => new KeyValuePair<string, GVariantValue>((string)e[0], (GVariantValue)e[1])).ToArray();

    /// <summary>
    /// <paramref name="existing"/> with <paramref name="signature"/> appended to its <paramref name="key"/> entry
    /// (other keys kept in place, a signature already present not repeated), serialized in normal form.
    /// </summary>
    public static byte[] Append(IReadOnlyList<KeyValuePair<string, GVariantValue>>? existing, byte[] signature, string key = MetadataKey)
    {
        var entries = existing?.ToList() ?? [];
        var signatures = Read(existing, key).ToList();
        if (!signatures.Any(s => s.AsSpan().SequenceEqual(signature)))
        {
            signatures.Add(signature);
        }

        var entry = new KeyValuePair<string, GVariantValue>(key, new GVariantValue("aay", signatures.Cast<object>().ToArray()));
        int index = entries.FindIndex(kv => kv.Key == key);
        if (index >= 0)
        {
            entries[index] = entry;
        }
        else
        {
            entries.Add(entry);
        }

        return GVariantSerializer.Serialize("a{sv}", entries.Select(kv => (object)new object[] { kv.Key, kv.Value }).ToArray());
    }

    public static Ed25519PrivateKeyParameters PrivateKey(byte[] secretKey)
    {
        ArgumentNullException.ThrowIfNull(secretKey);
        return secretKey.Length is 32 or 64
            ? new Ed25519PrivateKeyParameters(secretKey, 0)
            : throw new AptOstreeException(OSTreeErrorCodes.InvalidKey, $"An ed25519 secret key has 64 bytes (or a 32-byte seed), not {secretKey.Length}.");
    }
}
