namespace AptOstree.OpenPgp;

/// <summary>
/// No OpenPGP signature over some data verifies with a trusted key (<see cref="CoreErrorCodes.BadSignature"/>), or a
/// signature block cannot be read. <see cref="Problems"/> says, signature by signature, why each one was refused.
/// </summary>
public sealed class OpenPgpSignatureException : AptOstreeException
{
    /// <summary>Creates the exception with the bad-signature code.</summary>
    public OpenPgpSignatureException()
        : this("No valid OpenPGP signature by a trusted key.")
    {
    }

    /// <summary>Creates the exception with the bad-signature code.</summary>
    public OpenPgpSignatureException(string message)
        : this(message, null)
    {
    }

    /// <summary>Creates the exception with the bad-signature code.</summary>
    public OpenPgpSignatureException(string message, Exception? innerException)
        : this(message, innerException, [])
    {
    }

    /// <summary>Creates the exception with the bad-signature code.</summary>
    /// <param name="message">What failed, naming the signed data.</param>
    /// <param name="innerException">The underlying cause, if any.</param>
    /// <param name="problems">Why each signature was refused.</param>
    public OpenPgpSignatureException(string message, Exception? innerException, IReadOnlyList<string> problems)
        : base(CoreErrorCodes.BadSignature, message, innerException)
    {
        Problems = problems ?? [];
    }

    /// <summary>Why each signature was refused (unknown key, revoked, expired, weak digest, mismatch, unreadable).</summary>
    public IReadOnlyList<string> Problems { get; }
}
