
namespace AptOstree.Deb;

/// <summary>
/// Forward-only reader of the entries of a .deb's data member. <see cref="DataStream"/> holds the current regular
/// file's content until the next call to <see cref="GetNextEntry"/>.
/// </summary>
public sealed class DebDataReader : IDisposable
{
    private readonly DebTarReader _tar;

    internal DebDataReader(DebTarReader tar)
    {
        this._tar = tar;
    }

    /// <summary>Content of the current regular-file entry, or null.</summary>
    public Stream? DataStream => _tar.DataStream;

    /// <summary>The next entry, or null at the end.</summary>
    public DebTarEntry? GetNextEntry() => _tar.GetNextEntry();

    /// <summary>All remaining entries (their content is skipped).</summary>
    public IEnumerable<DebTarEntry> EnumerateEntries() => _tar.EnumerateEntries();

    /// <inheritdoc />
    public void Dispose() => _tar.Dispose();
}
