using AptOstree.OpenPgp;
using AptOstree.OSTree.GVariant;
using Org.BouncyCastle.Bcpg.OpenPgp;

namespace AptOstree.OSTree;

/// <summary>The GPG checks shared by commit signing, summary signing and pull.</summary>
internal static class GpgSignatures
{
    /// <summary>The issuer key ids of the readable signatures among <paramref name="blocks"/>.</summary>
    public static HashSet<long> IssuerKeyIds(IEnumerable<byte[]> blocks)
    {
        var ids = new HashSet<long>();
        foreach (byte[] block in blocks)
        {
            try
            {
                var factory = new PgpObjectFactory(PgpUtilities.GetDecoderStream(new MemoryStream(block)));
                PgpObject? obj;
                while ((obj = factory.NextPgpObject()) is not null)
                {
                    if (obj is PgpSignatureList list)
                    {
                        for (int i = 0; i < list.Count; i++)
                        {
                            ids.Add(list[i].KeyId);
                        }
                    }
                }
            }
            catch (Exception ex) when (ex is PgpException or IOException or ArgumentException or InvalidOperationException)
            {
                // An unreadable signature is nobody's; verification reports it.
            }
        }

        return ids;
    }

    /// <summary>
    /// Verifies the <c>ostree.gpgsigs</c> of a commit's detached metadata over its object bytes, throwing our exception
    /// naming the commit (and where it came from) when there is no valid signature by a key of <paramref name="keyring"/>.
    /// </summary>
    public static IReadOnlyList<string> VerifyCommit(Checksum commit, ReadOnlySpan<byte> commitBytes, IReadOnlyList<KeyValuePair<string, GVariantValue>>? detached, OpenPgpKeyring keyring, string origin)
    {
        var signatures = Ed25519Signatures.Read(detached, GpgCommitSigner.MetadataKey);
        if (signatures.Count == 0)
        {
            throw new AptOstreeException(OSTreeErrorCodes.SignatureInvalid, $"GPG verification enabled, but no signatures found on commit {commit} from {origin} (use gpg-verify=false in the remote config to disable).");
        }

        try
        {
            return OpenPgpSignatureVerifier.VerifyAll(commitBytes, signatures, keyring, "commit " + commit);
        }
        catch (OpenPgpSignatureException ex)
        {
            throw new AptOstreeException(OSTreeErrorCodes.SignatureInvalid, $"No valid GPG signature on commit {commit} from {origin}: {string.Join("; ", ex.Problems)}.", ex);
        }
    }
}
