namespace AptOstree.Deb.Solver;

/// <summary>
/// <see cref="IndexFileHashes"/> that stay bytes of the index until read: the scanner keeps the stanza, and only a
/// download (a few versions of a universe) scans it for the hash fields. Equality compares the values, so a record
/// read by the scanner equals the same stanza read by <see cref="Apt.PackagesIndexReader.FromParagraph"/>.
/// </summary>
internal readonly struct LazyFileHashes : IEquatable<LazyFileHashes>
{
    private readonly ReadOnlyMemory<byte> _stanza;
    private readonly IndexFileHashes? _values;

    /// <summary>Hashes read from <paramref name="stanza"/> when asked for.</summary>
    public LazyFileHashes(ReadOnlyMemory<byte> stanza) => _stanza = stanza;

    /// <summary>Hashes already known.</summary>
    public LazyFileHashes(IndexFileHashes values) => _values = values;

    /// <summary>The hashes (scanned from the stanza on every call when they came from one).</summary>
    public IndexFileHashes Values => _values ?? (_stanza.IsEmpty ? IndexFileHashes.None : PackageStanzaScanner.ScanHashes(_stanza));

    /// <inheritdoc />
    public bool Equals(LazyFileHashes other) => Values.Equals(other.Values);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is LazyFileHashes other && Equals(other);

    /// <summary>The same for all values: hashing a record must not scan its stanza (equal values still hash equally).</summary>
    public override int GetHashCode() => 0;
}
