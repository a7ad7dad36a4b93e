using AptOstree.Posix;

namespace AptOstree.OSTree;

/// <summary>
/// ed25519 signatures of a repository's <c>summary</c> in libostree's format (<c>ostree summary -u --sign</c>):
/// <c>summary.sig</c> is an <c>a{sv}</c> whose <c>ostree.sign.ed25519</c> entry holds 64-byte signatures over the
/// summary file's bytes. Signing appends to an existing <c>summary.sig</c>, as libostree does.
/// </summary>
public static class Ed25519SummarySigner
{
    /// <summary>The signature file next to <c>summary</c>.</summary>
    public const string SignatureFileName = "summary.sig";

    /// <summary>Signs <c>REPO/summary</c> with every key in <paramref name="secretKeys"/> and writes <c>summary.sig</c> atomically.</summary>
    /// <exception cref="AptOstreeException">No summary, no keys, or a malformed key.</exception>
    public static void Sign(OstreeRepository repository, IEnumerable<byte[]> secretKeys)
    {
        ArgumentNullException.ThrowIfNull(repository);
        ArgumentNullException.ThrowIfNull(secretKeys);
        string summaryPath = Path.Combine(repository.Path, "summary");
        var fs = repository.FileSystem;
        if (!fs.FileExists(summaryPath))
        {
            throw new AptOstreeException(OstreeErrorCodes.ObjectNotFound, $"{summaryPath} does not exist; run summary -u first.");
        }

        byte[] summary = fs.ReadAllBytes(summaryPath);
        string sigPath = Path.Combine(repository.Path, SignatureFileName);
        var container = fs.FileExists(sigPath) ? SignatureContainer.Parse(fs.ReadAllBytes(sigPath), sigPath) : null;
        byte[]? bytes = null;
        foreach (var key in secretKeys)
        {
            bytes = SignatureContainer.Append(container, Ed25519Signatures.Sign(summary, key), Ed25519Signatures.MetadataKey);
            container = SignatureContainer.Parse(bytes, sigPath);
        }

        if (bytes is null)
        {
            throw new AptOstreeException(OstreeErrorCodes.InvalidKey, "No keys passed for signing summary.");
        }

        AtomicFile.Write(sigPath, bytes, PosixPermissions.File, repository.Fsync, repository.FileSystem);
    }

    /// <summary>True when a signature in <paramref name="signatureFile"/> (<c>summary.sig</c> bytes) over <paramref name="summary"/> verifies with one of <paramref name="publicKeys"/>.</summary>
    /// <exception cref="InvalidFormatException"><paramref name="signatureFile"/> is not an <c>a{sv}</c>.</exception>
    public static bool Verify(ReadOnlySpan<byte> summary, ReadOnlySpan<byte> signatureFile, IEnumerable<byte[]> publicKeys)
    {
        ArgumentNullException.ThrowIfNull(publicKeys);
        var signatures = SignatureContainer.Read(SignatureContainer.Parse(signatureFile, SignatureFileName), Ed25519Signatures.MetadataKey);
        return Ed25519Signatures.VerifyAny(summary, signatures, publicKeys);
    }
}
