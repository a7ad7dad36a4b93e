using Org.BouncyCastle.Bcpg.OpenPgp;

namespace AptOstree.OpenPgp;

/// <summary>
/// A set of trusted OpenPGP public keys, read from binary (<c>.gpg</c>, as <c>gpg --export</c> writes) or
/// ASCII-armored (<c>.asc</c>) keyrings: APT's <c>Signed-By</c> and <c>trusted.gpg.d</c>, or an OSTree remote's
/// <c>REMOTE.trustedkeys.gpg</c> and <c>gpgkeypath</c>.
/// </summary>
public sealed class OpenPgpKeyring
{
    private readonly List<PgpPublicKeyRing> _rings;

    private OpenPgpKeyring(List<PgpPublicKeyRing> rings) => _rings = rings;

    /// <summary>The number of primary keys (certificates) in the keyring.</summary>
    public int CertificateCount => _rings.Count;

    /// <summary>The 40-hex-digit fingerprints of the primary keys, upper case.</summary>
    public IReadOnlyList<string> Fingerprints => _rings.Select(r => Convert.ToHexString(r.GetPublicKey().GetFingerprint())).ToList();

    /// <summary>Reads a keyring from a stream; binary and armored forms are both accepted.</summary>
    /// <param name="stream">The keyring content.</param>
    /// <param name="sourceName">Name used in error messages.</param>
    /// <exception cref="InvalidFormatException">Not a keyring, or no public keys (<see cref="CoreErrorCodes.InvalidKeyring"/>).</exception>
    public static OpenPgpKeyring Load(Stream stream, string sourceName = "keyring")
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanSeek)
        {
            // BouncyCastle peeks at the start to tell armor from binary; a pipe is buffered first (keyrings are small).
            var buffered = new MemoryStream();
            CopyBounded(stream, buffered, MaxUnseekableKeyringSize, sourceName);
            buffered.Position = 0;
            stream = buffered;
        }

        try
        {
            using var decoder = PgpUtilities.GetDecoderStream(stream);
            var bundle = new PgpPublicKeyRingBundle(decoder);
            var rings = bundle.GetKeyRings().ToList();
            if (rings.Count == 0)
            {
                throw new InvalidFormatException(CoreErrorCodes.InvalidKeyring, $"Keyring {sourceName} contains no public keys.", null, sourceName);
            }

            return new OpenPgpKeyring(rings);
        }
        catch (Exception ex) when (ex is PgpException or IOException or ArgumentException or InvalidOperationException)
        {
            throw new InvalidFormatException(CoreErrorCodes.InvalidKeyring, $"Keyring {sourceName} cannot be read: {ex.Message}", ex, sourceName);
        }
    }

    private const int MaxUnseekableKeyringSize = 64 << 20;

    private static void CopyBounded(Stream source, Stream destination, int limit, string sourceName)
    {
        byte[] buffer = new byte[81920];
        int read;
        while ((read = source.Read(buffer, 0, buffer.Length)) > 0)
        {
            if (destination.Length + read > limit)
            {
                throw new InvalidFormatException(CoreErrorCodes.InvalidKeyring, $"Keyring {sourceName} is larger than {limit >> 20} MiB.", null, sourceName);
            }

            destination.Write(buffer, 0, read);
        }
    }

    /// <summary>Reads a keyring file (binary or armored).</summary>
    /// <exception cref="InvalidFormatException">Not a keyring, or no public keys (<see cref="CoreErrorCodes.InvalidKeyring"/>).</exception>
    public static OpenPgpKeyring LoadFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var stream = File.OpenRead(path);
        return Load(stream, path);
    }

    /// <summary>Reads an inline key block as it may appear in a deb822 <c>Signed-By</c> field.</summary>
    public static OpenPgpKeyring FromArmoredText(string armored, string sourceName = "Signed-By")
    {
        ArgumentNullException.ThrowIfNull(armored);
        using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(armored));
        return Load(stream, sourceName);
    }

    /// <summary>Combines several keyrings (e.g. every file of <c>/etc/apt/trusted.gpg.d</c>).</summary>
    public static OpenPgpKeyring Combine(IEnumerable<OpenPgpKeyring> keyrings)
    {
        ArgumentNullException.ThrowIfNull(keyrings);
        return new OpenPgpKeyring(keyrings.SelectMany(k => k._rings).ToList());
    }

    /// <summary>
    /// The certificates named by <paramref name="keyIds"/>: a fingerprint (40 hex digits) or a long (16) or short (8)
    /// key id, optionally <c>0x</c>-prefixed, of the primary key or of a subkey.
    /// </summary>
    public OpenPgpKeyring Select(IEnumerable<string> keyIds)
    {
        ArgumentNullException.ThrowIfNull(keyIds);
        var names = keyIds.ToList();
        return new OpenPgpKeyring(_rings.Where(ring => ring.GetPublicKeys().Any(key =>
        {
            string fingerprint = Convert.ToHexString(key.GetFingerprint());
            return names.Any(n => NamesKey(n, fingerprint));
        })).ToList());
    }

    /// <summary>
    /// Whether <paramref name="name"/> — a fingerprint (40 hex digits) or a long (16) or short (8) key id, optionally
    /// <c>0x</c>-prefixed, in either case — names the key whose fingerprint or 16-digit key id is <paramref name="key"/>.
    /// </summary>
    public static bool NamesKey(string name, string key)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(key);
        string id = (name.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? name[2..] : name).ToUpperInvariant();
        if (id.Length is not (8 or 16 or 40) || !id.All(Uri.IsHexDigit))
        {
            return false;
        }

        string target = key.ToUpperInvariant();
        return id.Length > target.Length ? target.Length == 16 && id.EndsWith(target, StringComparison.Ordinal) : target.EndsWith(id, StringComparison.Ordinal);
    }

    /// <summary>
    /// This keyring with the certificates of <paramref name="incoming"/> added; a certificate already present (same
    /// primary fingerprint) takes in what the incoming copy adds (user ids, subkeys, signatures such as a revocation).
    /// </summary>
    public OpenPgpKeyring Merge(OpenPgpKeyring incoming)
    {
        ArgumentNullException.ThrowIfNull(incoming);
        var merged = new List<PgpPublicKeyRing>(_rings);
        foreach (var ring in incoming._rings)
        {
            byte[] fingerprint = ring.GetPublicKey().GetFingerprint();
            int index = merged.FindIndex(r => r.GetPublicKey().GetFingerprint().AsSpan().SequenceEqual(fingerprint));
            if (index < 0)
            {
                merged.Add(ring);
            }
            else
            {
                merged[index] = PgpPublicKeyRing.Join(merged[index], ring) ?? merged[index];
            }
        }

        return new OpenPgpKeyring(merged);
    }

    /// <summary>Writes the keyring in binary form, as <c>gpg --export</c> does.</summary>
    public void Export(Stream destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        foreach (var ring in _rings)
        {
            ring.Encode(destination);
        }
    }

    /// <summary>The keys that could have made a signature with this key id (primary keys and subkeys).</summary>
    internal IEnumerable<(PgpPublicKey Key, PgpPublicKeyRing Ring)> FindKeys(long keyId)
    {
        foreach (var ring in _rings)
        {
            var key = ring.GetPublicKey(keyId);
            if (key is not null)
            {
                yield return (key, ring);
            }
        }
    }
}
