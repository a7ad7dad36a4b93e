namespace AptOstree.Deb;

/// <summary>
/// One member of an <c>ar</c> archive. <see cref="Data"/> reads exactly the member's bytes and stays
/// valid only until the next call to <see cref="ArReader.GetNextMember"/>.
/// </summary>
public sealed class ArMember
{
    internal ArMember(ArMemberHeader header, Stream data)
    {
        Header = header;
        Data = data;
    }

    /// <summary>The parsed member header.</summary>
    public ArMemberHeader Header { get; }

    /// <summary>The member name (shorthand for <c>Header.Name</c>).</summary>
    public string Name => Header.Name;

    /// <summary>The member size (shorthand for <c>Header.Size</c>).</summary>
    public long Size => Header.Size;

    /// <summary>A read-only, forward-only stream over the member data.</summary>
    public Stream Data { get; }

    /// <summary>Reads the whole member into memory, refusing members larger than <paramref name="maxSize"/>.</summary>
    public byte[] ReadAllBytes(long maxSize = 64L * 1024 * 1024)
    {
        if (Size > maxSize)
        {
            throw new InvalidFormatException(DebErrorCodes.DecompressionLimitExceeded, $"ar member '{Name}' is {Size} bytes, more than the {maxSize} bytes allowed here.", location: Name);
        }

        var buffer = new byte[Size];
        Data.ReadExactly(buffer);
        return buffer;
    }
}
