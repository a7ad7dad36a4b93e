using System.Globalization;
using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Security;

namespace AptOstree.OpenPgp;

/// <summary>
/// Verifies detached OpenPGP signatures (binary or armored) over bytes. A signature counts when it is
/// cryptographically valid, made by a key of the keyring (primary key or subkey) that is not revoked and had not
/// expired when the signature was made, and uses a hash stronger than SHA-1 — gpgv's and APT's rules.
/// Canonical-text signatures (type 0x01) are checked over the data with CR LF line ends.
/// </summary>
public static class OpenPgpSignatureVerifier
{
    /// <summary>Verifies one detached signature block (which may hold several signatures) over <paramref name="data"/>.</summary>
    /// <param name="data">The signed bytes.</param>
    /// <param name="signature">The signature block: binary packets or one or more armored blocks.</param>
    /// <param name="keyring">The trusted keys.</param>
    /// <param name="sourceName">Names the signed data in messages.</param>
    /// <returns>The fingerprint (40 hex digits, upper case) of the primary key whose signature verified first.</returns>
    /// <exception cref="OpenPgpSignatureException">No valid signature by a trusted key, or the block cannot be read.</exception>
    public static string VerifyDetached(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature, OpenPgpKeyring keyring, string sourceName = "data")
    {
        ArgumentNullException.ThrowIfNull(keyring);
        var problems = new List<string>();
        var signatures = ReadSignatures(signature.ToArray(), sourceName, problems);
        if (problems.Count > 0)
        {
            throw new OpenPgpSignatureException(problems[0], null, problems);
        }

        return Verify(data.ToArray(), signatures, keyring, sourceName, problems, stopAtFirst: true)[0];
    }

    /// <summary>
    /// Verifies a list of separate signature blocks (as OSTree keeps them: one binary signature per element of
    /// <c>ostree.gpgsigs</c>); a block that cannot be read is refused like a bad signature, the others still count.
    /// </summary>
    /// <returns>The distinct primary-key fingerprints of every signature that verified, in signature order.</returns>
    /// <exception cref="OpenPgpSignatureException">No block holds a valid signature by a trusted key.</exception>
    public static IReadOnlyList<string> VerifyAll(ReadOnlySpan<byte> data, IEnumerable<byte[]> signatureBlocks, OpenPgpKeyring keyring, string sourceName = "data")
    {
        ArgumentNullException.ThrowIfNull(signatureBlocks);
        ArgumentNullException.ThrowIfNull(keyring);
        var problems = new List<string>();
        var signatures = new List<PgpSignature>();
        foreach (byte[] block in signatureBlocks)
        {
            signatures.AddRange(ReadSignatures(block, sourceName, problems));
        }

        return Verify(data.ToArray(), signatures, keyring, sourceName, problems, stopAtFirst: false);
    }

    /// <summary>The key ids (64-bit) of the issuers of the readable signatures in <paramref name="signatureBlocks"/>; unreadable blocks are skipped.</summary>
    public static IReadOnlySet<long> IssuerKeyIds(IEnumerable<byte[]> signatureBlocks)
    {
        ArgumentNullException.ThrowIfNull(signatureBlocks);
        var ids = new HashSet<long>();
        foreach (byte[] block in signatureBlocks)
        {
            foreach (var signature in ReadSignatures(block, "signature", problems: []))
            {
                ids.Add(signature.KeyId);
            }
        }

        return ids;
    }

    internal static List<PgpSignature> ReadSignatures(byte[] signatureBytes, string sourceName, List<string> problems)
    {
        var result = new List<PgpSignature>();
        try
        {
            using var input = PgpUtilities.GetDecoderStream(new MemoryStream(signatureBytes));
            AddSignatures(new PgpObjectFactory(input), result);

            // An armored file may hold several concatenated signature blocks (APT allows that).
            if (input is ArmoredInputStream armored)
            {
                while (!armored.IsEndOfStream())
                {
                    AddSignatures(new PgpObjectFactory(armored), result);
                }
            }
        }
        catch (Exception ex) when (ex is PgpException or UnsupportedPacketVersionException or IOException or ArgumentException or InvalidOperationException or EndOfStreamException)
        {
            problems.Add($"{sourceName}: a signature block cannot be read: {ex.Message}");
            return [];
        }

        if (result.Count == 0)
        {
            problems.Add($"{sourceName}: no OpenPGP signature found in a signature block");
        }

        return result;
    }

    private static void AddSignatures(PgpObjectFactory factory, List<PgpSignature> result)
    {
        PgpObject? obj;
        while ((obj = factory.NextPgpObject()) is not null)
        {
            if (obj is PgpSignatureList list)
            {
                for (int i = 0; i < list.Count; i++)
                {
                    result.Add(list[i]);
                }
            }
        }
    }

    private static List<string> Verify(byte[] data, List<PgpSignature> signatures, OpenPgpKeyring keyring, string sourceName, List<string> problems, bool stopAtFirst)
    {
        var valid = new List<string>();
        byte[]? canonical = null;
        foreach (var sig in signatures)
        {
            string keyId = sig.KeyId.ToString("X16", CultureInfo.InvariantCulture);
            if (IsWeakDigest(sig.HashAlgorithm))
            {
                problems.Add($"signature by {keyId} uses the weak digest {sig.HashAlgorithm}");
                continue;
            }

            bool known = false;
            foreach (var (key, ring) in keyring.FindKeys(sig.KeyId))
            {
                known = true;
                if (key.HasRevocation() || ring.GetPublicKey().HasRevocation())
                {
                    problems.Add($"key {keyId} is revoked");
                    continue;
                }

                long validSeconds = key.GetValidSeconds();
                if (validSeconds > 0 && sig.CreationTime > key.CreationTime.AddSeconds(validSeconds))
                {
                    problems.Add($"key {keyId} had expired when the signature was made");
                    continue;
                }

                try
                {
                    sig.InitVerify(key);
                    sig.Update(sig.SignatureType == PgpSignature.CanonicalTextDocument ? canonical ??= CanonicalText(data) : data);
                    if (sig.Verify())
                    {
                        string fingerprint = Convert.ToHexString(ring.GetPublicKey().GetFingerprint());
                        if (!valid.Contains(fingerprint))
                        {
                            valid.Add(fingerprint);
                        }

                        if (stopAtFirst)
                        {
                            return valid;
                        }

                        continue;
                    }

                    problems.Add($"signature by {keyId} does not match the data");
                }
                catch (Exception ex) when (ex is PgpException or GeneralSecurityException or SecurityUtilityException or CryptoException or ArgumentException or InvalidCastException)
                {
                    // The algorithm byte of the signature is not the key's (a corrupt or forged packet): BouncyCastle
                    // reports that from its signer factory, not as a PgpException.
                    problems.Add($"signature by {keyId} cannot be checked: {ex.Message}");
                }
            }

            if (!known)
            {
                problems.Add($"key {keyId} is not in the keyring (NO_PUBKEY)");
            }
        }

        if (valid.Count == 0)
        {
            string detail = problems.Count == 0 ? "no signatures" : string.Join("; ", problems);
            throw new OpenPgpSignatureException($"{sourceName}: no valid signature by a trusted key: {detail}.", null, problems);
        }

        return valid;
    }

    /// <summary>Digests gpgv and APT no longer accept for data signatures.</summary>
    internal static bool IsWeakDigest(HashAlgorithmTag algorithm) =>
        algorithm is HashAlgorithmTag.MD5 or HashAlgorithmTag.Sha1 or HashAlgorithmTag.RipeMD160 or HashAlgorithmTag.MD2;

    /// <summary>
    /// OpenPGP canonical text: lines joined with CR LF. (Removing trailing blanks is the cleartext framework's rule,
    /// not the text signature's: gpg --textmode keeps them.)
    /// </summary>
    internal static byte[] CanonicalText(byte[] data)
    {
        var output = new MemoryStream(data.Length + (data.Length / 20));
        int start = 0;
        for (int i = 0; i <= data.Length; i++)
        {
            if (i == data.Length || data[i] == (byte)'\n')
            {
                int end = i;
                if (end > start && data[end - 1] == (byte)'\r')
                {
                    end--;
                }

                output.Write(data, start, end - start);
                if (i < data.Length)
                {
                    output.WriteByte((byte)'\r');
                    output.WriteByte((byte)'\n');
                }

                start = i + 1;
            }
        }

        return output.ToArray();
    }
}
