namespace AptOstree.OpenPgp;

/// <summary>
/// What checking one OpenPGP signature against a keyring found, with the details gpg (through gpgme) reports and
/// <c>ostree show</c> prints: who signed, when, with which key, and why it does or does not count.
/// </summary>
public sealed record OpenPgpSignatureCheck
{
    /// <summary>Cryptographically good, by a key of the keyring that is neither revoked nor expired, and not itself expired.</summary>
    public bool Valid { get; init; }

    /// <summary>No key of the keyring has the signature's key id.</summary>
    public bool KeyMissing { get; init; }

    /// <summary>The signing key (or its primary key) is revoked.</summary>
    public bool KeyRevoked { get; init; }

    /// <summary>The signing key has expired.</summary>
    public bool KeyExpired { get; init; }

    /// <summary>The signature has an expiration time that has passed.</summary>
    public bool SignatureExpired { get; init; }

    /// <summary>The signing key's fingerprint when the key is known, else the issuer fingerprint the signature names, else its 16-hex-digit key id.</summary>
    public required string Fingerprint { get; init; }

    /// <summary>The fingerprint of the signing key's primary key (empty when the key is missing).</summary>
    public string PrimaryFingerprint { get; init; } = string.Empty;

    /// <summary>The algorithm as gpg names it: RSA, DSA, ELG, ECDSA, ECDH, EdDSA.</summary>
    public required string PublicKeyAlgorithm { get; init; }

    /// <summary>When the signature was made.</summary>
    public required DateTimeOffset Created { get; init; }

    /// <summary>When the signature expires, if it does.</summary>
    public DateTimeOffset? SignatureExpires { get; init; }

    /// <summary>When the signing key expires, if it does.</summary>
    public DateTimeOffset? KeyExpires { get; init; }

    /// <summary>When the primary key expires, if it does.</summary>
    public DateTimeOffset? PrimaryKeyExpires { get; init; }

    /// <summary>The name of the certificate's first user id (empty when the key is missing).</summary>
    public string UserName { get; init; } = string.Empty;

    /// <summary>The e-mail address of that user id (empty when it has none).</summary>
    public string UserEmail { get; init; } = string.Empty;

    /// <summary>The signing key's id: the last 16 hex digits of <see cref="Fingerprint"/>.</summary>
    public string KeyId => Fingerprint.Length > 16 ? Fingerprint[^16..] : Fingerprint;
}
