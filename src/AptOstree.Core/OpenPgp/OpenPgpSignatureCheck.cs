namespace AptOstree.OpenPgp;

/// <summary>
/// What checking one OpenPGP signature against a keyring found, with the details gpg (through gpgme) reports and
/// <c>ostree show</c> prints: who signed, when, with which key, and why it does or does not count.
/// </summary>
/// <param name="Valid">Cryptographically good, by a key of the keyring that is neither revoked nor expired, and not itself expired.</param>
/// <param name="KeyMissing">No key of the keyring has the signature's key id.</param>
/// <param name="KeyRevoked">The signing key (or its primary key) is revoked.</param>
/// <param name="KeyExpired">The signing key has expired.</param>
/// <param name="SignatureExpired">The signature has an expiration time that has passed.</param>
/// <param name="Fingerprint">The signing key's fingerprint when the key is known, else the issuer fingerprint the signature names, else its 16-hex-digit key id.</param>
/// <param name="PrimaryFingerprint">The fingerprint of the signing key's primary key (empty when the key is missing).</param>
/// <param name="PublicKeyAlgorithm">The algorithm as gpg names it: RSA, DSA, ELG, ECDSA, ECDH, EdDSA.</param>
/// <param name="Created">When the signature was made.</param>
/// <param name="SignatureExpires">When the signature expires, if it does.</param>
/// <param name="KeyExpires">When the signing key expires, if it does.</param>
/// <param name="PrimaryKeyExpires">When the primary key expires, if it does.</param>
/// <param name="UserName">The name of the certificate's first user id (empty when the key is missing).</param>
/// <param name="UserEmail">The e-mail address of that user id (empty when it has none).</param>
public sealed record OpenPgpSignatureCheck(
    bool Valid,
    bool KeyMissing,
    bool KeyRevoked,
    bool KeyExpired,
    bool SignatureExpired,
    string Fingerprint,
    string PrimaryFingerprint,
    string PublicKeyAlgorithm,
    DateTimeOffset Created,
    DateTimeOffset? SignatureExpires,
    DateTimeOffset? KeyExpires,
    DateTimeOffset? PrimaryKeyExpires,
    string UserName,
    string UserEmail)
{
    /// <summary>The signing key's id: the last 16 hex digits of <see cref="Fingerprint"/>.</summary>
    public string KeyId => Fingerprint.Length > 16 ? Fingerprint[^16..] : Fingerprint;
}
