using AptOstree.OpenPgp;
using AptOstree.Posix;

namespace AptOstree.OSTree;

/// <summary>
/// GPG signatures of a repository's <c>summary</c> in libostree's format (<c>ostree summary -u --gpg-sign=KEY</c>):
/// <c>summary.sig</c> is an <c>a{sv}</c> whose <c>ostree.gpgsigs</c> entry holds binary OpenPGP signatures over the
/// summary file's bytes. Signing appends to an existing <c>summary.sig</c> and keeps its other keys.
/// </summary>
public static class GpgSummarySigner
{
    /// <summary>Signs <c>REPO/summary</c> with <paramref name="key"/> and writes <c>summary.sig</c> atomically.</summary>
    /// <exception cref="AptOstreeException">No summary (<see cref="OstreeErrorCodes.ObjectNotFound"/>), or a malformed <c>summary.sig</c>.</exception>
    public static void Sign(OstreeRepository repository, GpgSigningKey key)
    {
        ArgumentNullException.ThrowIfNull(repository);
        ArgumentNullException.ThrowIfNull(key);
        string summaryPath = Path.Combine(repository.Path, "summary");
        var fs = repository.FileSystem;
        if (!fs.FileExists(summaryPath))
        {
            throw new AptOstreeException(OstreeErrorCodes.ObjectNotFound, $"{summaryPath} does not exist; run summary -u first.");
        }

        byte[] summary = fs.ReadAllBytes(summaryPath);
        string sigPath = Path.Combine(repository.Path, Ed25519SummarySigner.SignatureFileName);
        var container = fs.FileExists(sigPath) ? SignatureContainer.Parse(fs.ReadAllBytes(sigPath), sigPath) : null;
        byte[] bytes = SignatureContainer.Append(container, key.Sign(summary), GpgCommitSigner.MetadataKey);
        AtomicFile.Write(sigPath, bytes, PosixPermissions.File, repository.Fsync, repository.FileSystem);
    }

    /// <summary>Verifies the GPG signatures in <paramref name="signatureFile"/> (<c>summary.sig</c> bytes) over <paramref name="summary"/>.</summary>
    /// <returns>The primary-key fingerprints of every valid signature.</returns>
    /// <exception cref="AptOstreeException">Malformed <c>summary.sig</c>, no GPG signature, or none valid by a key of <paramref name="keyring"/> (<see cref="OstreeErrorCodes.SignatureInvalid"/>).</exception>
    public static IReadOnlyList<string> Verify(ReadOnlySpan<byte> summary, ReadOnlySpan<byte> signatureFile, OpenPgpKeyring keyring)
    {
        ArgumentNullException.ThrowIfNull(keyring);
        IReadOnlyList<byte[]> signatures;
        try
        {
            signatures = SignatureContainer.Read(SignatureContainer.Parse(signatureFile, Ed25519SummarySigner.SignatureFileName), GpgCommitSigner.MetadataKey);
        }
        catch (InvalidFormatException ex)
        {
            throw new AptOstreeException(OstreeErrorCodes.SignatureInvalid, $"summary.sig is malformed: {ex.Message}", ex);
        }

        if (signatures.Count == 0)
        {
            throw new AptOstreeException(OstreeErrorCodes.SignatureInvalid, "GPG verification of the summary enabled, but summary.sig holds no GPG signatures.");
        }

        try
        {
            return OpenPgpSignatureVerifier.VerifyAll(summary, signatures, keyring, "summary");
        }
        catch (OpenPgpSignatureException ex)
        {
            throw new AptOstreeException(OstreeErrorCodes.SignatureInvalid, $"No valid GPG signature on the summary: {string.Join("; ", ex.Problems)}.", ex);
        }
    }
}
