using System.Text;
using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;

namespace AptOstree.Apt;

/// <summary>
/// Verifies APT repository signatures: the cleartext signature of <c>InRelease</c> and the detached
/// <c>Release.gpg</c> of <c>Release</c>. A signature counts when it is cryptographically valid, made by a
/// key of the keyring that is not revoked and was not expired at signing time, and uses a hash stronger than SHA-1.
/// </summary>
public static class OpenPgpVerifier
{
    /// <summary>Verifies an <c>InRelease</c> file and returns the signed Release text.</summary>
    /// <param name="inRelease">The complete InRelease content.</param>
    /// <param name="keyring">The trusted keys.</param>
    /// <param name="sourceName">File name used in messages.</param>
    /// <exception cref="InvalidFormatException">The message does not follow APT's cleartext rules.</exception>
    /// <exception cref="AptException">No valid signature by a trusted key (<see cref="AptErrorCodes.BadSignature"/>).</exception>
    public static string VerifyInRelease(string inRelease, OpenPgpKeyring keyring, string sourceName = "InRelease")
    {
        ArgumentNullException.ThrowIfNull(keyring);
        var message = ClearSignedMessage.Parse(inRelease, sourceName);
        var signatures = ReadSignatures(Encoding.ASCII.GetBytes(message.ArmoredSignature), sourceName);
        byte[] data = Encoding.UTF8.GetBytes(message.SignedText);
        Verify(data, signatures, keyring, sourceName);
        return message.SignedText + "\n";
    }

    /// <summary>Verifies a detached signature (<c>Release.gpg</c>, binary or armored) over <paramref name="data"/>.</summary>
    public static void VerifyDetached(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature, OpenPgpKeyring keyring, string sourceName = "Release")
    {
        ArgumentNullException.ThrowIfNull(keyring);
        var signatures = ReadSignatures(signature.ToArray(), sourceName + ".gpg");
        Verify(data.ToArray(), signatures, keyring, sourceName);
    }

    private static List<PgpSignature> ReadSignatures(byte[] signatureBytes, string sourceName)
    {
        var result = new List<PgpSignature>();
        try
        {
            using var input = PgpUtilities.GetDecoderStream(new MemoryStream(signatureBytes));
            var factory = new PgpObjectFactory(input);
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

            // An armored file may hold several concatenated signature blocks (APT allows that).
            if (input is ArmoredInputStream armored)
            {
                while (!armored.IsEndOfStream())
                {
                    var next = new PgpObjectFactory(armored);
                    while ((obj = next.NextPgpObject()) is not null)
                    {
                        if (obj is PgpSignatureList more)
                        {
                            for (int i = 0; i < more.Count; i++)
                            {
                                result.Add(more[i]);
                            }
                        }
                    }
                }
            }
        }
        catch (Exception ex) when (ex is PgpException or IOException or ArgumentException or InvalidOperationException)
        {
            throw new AptException(AptErrorCodes.BadSignature, $"{sourceName}: the signature block cannot be read: {ex.Message}", ex);
        }

        if (result.Count == 0)
        {
            throw new AptException(AptErrorCodes.BadSignature, $"{sourceName}: no OpenPGP signature found.");
        }

        return result;
    }

    private static void Verify(byte[] data, List<PgpSignature> signatures, OpenPgpKeyring keyring, string sourceName)
    {
        var problems = new List<string>();
        foreach (var sig in signatures)
        {
            string keyId = sig.KeyId.ToString("X16", System.Globalization.CultureInfo.InvariantCulture);
            if (sig.HashAlgorithm is HashAlgorithmTag.MD5 or HashAlgorithmTag.Sha1 or HashAlgorithmTag.RipeMD160 or HashAlgorithmTag.MD2)
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
                    byte[] signed = sig.SignatureType == PgpSignature.CanonicalTextDocument ? CanonicalText(data) : data;
                    sig.Update(signed);
                    if (sig.Verify())
                    {
                        return;
                    }

                    problems.Add($"signature by {keyId} does not match the data");
                }
                catch (PgpException ex)
                {
                    problems.Add($"signature by {keyId} cannot be checked: {ex.Message}");
                }
            }

            if (!known)
            {
                problems.Add($"key {keyId} is not in the keyring (NO_PUBKEY)");
            }
        }

        throw new AptException(AptErrorCodes.BadSignature, $"{sourceName}: no valid signature by a trusted key: {string.Join("; ", problems)}.");
    }

    /// <summary>OpenPGP canonical text: trailing spaces/tabs removed from each line, lines joined with CR LF.</summary>
    private static byte[] CanonicalText(byte[] data)
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

                while (end > start && (data[end - 1] == (byte)' ' || data[end - 1] == (byte)'\t'))
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
