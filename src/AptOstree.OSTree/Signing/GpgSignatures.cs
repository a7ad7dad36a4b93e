using AptOstree.OpenPgp;
using AptOstree.OSTree.GVariant;

namespace AptOstree.OSTree;

/// <summary>The GPG commit check shared by <see cref="GpgCommitSigner"/> and pull.</summary>
internal static class GpgSignatures
{
    /// <summary>
    /// Verifies the <c>ostree.gpgsigs</c> of a commit's detached metadata over its object bytes, throwing our exception
    /// naming the commit (and where it came from) when there is no valid signature by a key of <paramref name="keyring"/>.
    /// </summary>
    public static IReadOnlyList<string> VerifyCommit(Checksum commit, ReadOnlySpan<byte> commitBytes, IReadOnlyList<KeyValuePair<string, GVariantValue>>? detached, OpenPgpKeyring keyring, string origin)
    {
        var signatures = SignatureContainer.Read(detached, GpgCommitSigner.MetadataKey);
        if (signatures.Count == 0)
        {
            throw new AptOstreeException(OstreeErrorCodes.SignatureInvalid, $"GPG verification enabled, but no signatures found on commit {commit} from {origin} (use gpg-verify=false in the remote config to disable).");
        }

        try
        {
            return OpenPgpSignatureVerifier.VerifyAll(commitBytes, signatures, keyring, "commit " + commit);
        }
        catch (OpenPgpSignatureException ex)
        {
            throw new AptOstreeException(OstreeErrorCodes.SignatureInvalid, $"No valid GPG signature on commit {commit} from {origin}: {string.Join("; ", ex.Problems)}.", ex);
        }
    }
}
