using AptOstree.OpenPgp;

namespace AptOstree.OSTree;

/// <summary>
/// GPG commit signatures in libostree's format (<c>ostree gpg-sign</c>): each signature is a binary OpenPGP detached
/// signature over the commit object's bytes, one element of the <c>aay</c> under <c>ostree.gpgsigs</c> in the
/// commit's detached metadata. Verification follows <see cref="OpenPgpSignatureVerifier"/>'s rules.
/// </summary>
public static class GpgCommitSigner
{
    /// <summary>The detached-metadata key libostree uses.</summary>
    public const string MetadataKey = "ostree.gpgsigs";

    /// <summary>
    /// Signs a commit and appends the signature to <c>ostree.gpgsigs</c>, keeping other keys and signatures.
    /// Like libostree, a commit that already carries a signature by the same key is refused.
    /// </summary>
    /// <exception cref="AptOstreeException">The commit is missing or corrupt, or already signed by this key (<see cref="OstreeErrorCodes.InvalidOption"/>).</exception>
    public static void Sign(OstreeRepository repository, Checksum commit, GpgSigningKey key)
    {
        ArgumentNullException.ThrowIfNull(repository);
        ArgumentNullException.ThrowIfNull(key);
        byte[] data = repository.Objects.ReadMetadataBytes(commit, ObjectType.Commit, verify: true);
        var detached = repository.Objects.ReadDetachedMetadata(commit);
        if (OpenPgpSignatureVerifier.IssuerKeyIds(SignatureContainer.Read(detached, MetadataKey)).Contains(key.KeyId))
        {
            throw new AptOstreeException(OstreeErrorCodes.InvalidOption, $"Commit {commit} is already signed with GPG key {key.SigningKeyId}.");
        }

        byte[] bytes = SignatureContainer.Append(detached, key.Sign(data), MetadataKey);
        using var transaction = repository.BeginTransaction();
        transaction.WriteMetadata(ObjectType.CommitMeta, bytes, commit);
        transaction.Complete();
    }

    /// <summary>
    /// Deletes the commit's GPG signatures made by any of <paramref name="keyIds"/>, as <c>ostree gpg-sign --delete</c>
    /// does, keeping the other signatures and detached metadata. A key is named by the fingerprint or the long or short
    /// key id (optionally <c>0x</c>-prefixed) of the key that made the signature, which for a subkey is the subkey's own.
    /// </summary>
    /// <returns>How many signatures were deleted; nothing is written when that is 0.</returns>
    /// <exception cref="AptOstreeException">The commit is missing.</exception>
    public static int DeleteSignatures(OstreeRepository repository, Checksum commit, IReadOnlyCollection<string> keyIds)
    {
        ArgumentNullException.ThrowIfNull(repository);
        ArgumentNullException.ThrowIfNull(keyIds);
        repository.Objects.ReadMetadataBytes(commit, ObjectType.Commit, verify: false);
        var detached = repository.Objects.ReadDetachedMetadata(commit);
        var signatures = SignatureContainer.Read(detached, MetadataKey);
        var kept = signatures.Where(s => !OpenPgpSignatureVerifier.IssuerKeyIds([s]).Any(issuer => keyIds.Any(id => OpenPgpKeyring.NamesKey(id, issuer.ToString("X16", System.Globalization.CultureInfo.InvariantCulture))))).ToList();
        int deleted = signatures.Count - kept.Count;
        if (deleted > 0)
        {
            byte[] bytes = SignatureContainer.Replace(detached, MetadataKey, kept);
            using var transaction = repository.BeginTransaction();
            transaction.WriteMetadata(ObjectType.CommitMeta, bytes, commit);
            transaction.Complete();
        }

        return deleted;
    }

    /// <summary>Verifies the commit's GPG signatures against <paramref name="keyring"/>.</summary>
    /// <returns>The primary-key fingerprints of every valid signature.</returns>
    /// <exception cref="AptOstreeException">No signature, or none valid by a trusted key (<see cref="OstreeErrorCodes.SignatureInvalid"/>, naming the commit).</exception>
    public static IReadOnlyList<string> Verify(OstreeRepository repository, Checksum commit, OpenPgpKeyring keyring)
    {
        ArgumentNullException.ThrowIfNull(repository);
        ArgumentNullException.ThrowIfNull(keyring);
        byte[] data = repository.Objects.ReadMetadataBytes(commit, ObjectType.Commit, verify: true);
        return GpgSignatures.VerifyCommit(commit, data, repository.Objects.ReadDetachedMetadata(commit), keyring, repository.Path);
    }

    /// <summary>
    /// Describes every GPG signature on the commit against <paramref name="keyring"/>, good or not, as
    /// <c>ostree show</c> lists them; empty when the commit has none.
    /// </summary>
    /// <exception cref="AptOstreeException">The commit is missing or corrupt.</exception>
    public static IReadOnlyList<OpenPgpSignatureCheck> Check(OstreeRepository repository, Checksum commit, OpenPgpKeyring keyring)
    {
        ArgumentNullException.ThrowIfNull(repository);
        ArgumentNullException.ThrowIfNull(keyring);
        byte[] data = repository.Objects.ReadMetadataBytes(commit, ObjectType.Commit, verify: true);
        return OpenPgpSignatureInspector.Check(data, SignatureContainer.Read(repository.Objects.ReadDetachedMetadata(commit), MetadataKey), keyring);
    }
}
