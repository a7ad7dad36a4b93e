using System.Collections.Concurrent;

namespace AptOstree.OSTree;

/// <summary>
/// Maps (device, inode) of content objects to their checksums. Filled by hardlink checkouts (or by scanning a
/// repository), consulted by commits so that re-committing a hardlinked checkout does not rehash its files —
/// libostree's <c>--link-checkout-speedup</c>.
/// </summary>
public sealed class DevInoCache
{
    private readonly ConcurrentDictionary<(ulong Device, ulong Inode), Checksum> _map = new();

    /// <summary>Number of entries.</summary>
    public int Count => _map.Count;

    /// <summary>Number of lookups that hit (content not rehashed).</summary>
    public int Hits => _hits;

    private int _hits;

    /// <summary>Builds a cache of every content object in a bare, bare-user or bare-user-only repository.</summary>
    public static DevInoCache FromRepository(OstreeRepository repository)
    {
        ArgumentNullException.ThrowIfNull(repository);
        var cache = new DevInoCache();
        if (repository.Mode == RepoMode.Archive)
        {
            return cache;
        }

        foreach (var name in repository.Objects.Enumerate())
        {
            if (name.Type == ObjectType.File && repository.FileSystem.TryGetStatus(repository.Objects.GetLoosePath(name.Checksum, name.Type), out var st))
            {
                cache.Add(st.Device, st.Inode, name.Checksum);
            }
        }

        return cache;
    }

    /// <summary>Records an inode.</summary>
    public void Add(ulong device, ulong inode, Checksum checksum) => _map[(device, inode)] = checksum;

    /// <summary>Looks an inode up.</summary>
    public bool TryGet(ulong device, ulong inode, out Checksum checksum)
    {
        if (_map.TryGetValue((device, inode), out checksum))
        {
            Interlocked.Increment(ref _hits);
            return true;
        }

        return false;
    }
}
