namespace AptOstree.Compose;

/// <summary>
/// The changes the commands run in a <see cref="ScriptSandbox"/> made to its lower tree, sorted by path (ordinal), so
/// that a parent directory comes before what it holds. Apply them in order: a <see cref="SandboxChangeKind.Deleted"/>
/// removes the path, a written <see cref="SandboxChange.IsOpaque"/> directory first drops everything the lower tree
/// had beneath it. Directories only appear when created, replaced or given new metadata; a file written into an
/// existing directory does not list the directory.
/// </summary>
public sealed class SandboxChanges
{
    private readonly Dictionary<string, SandboxChange> _byPath;

    /// <summary>Creates the set; <paramref name="entries"/> must not repeat a path.</summary>
    public SandboxChanges(IEnumerable<SandboxChange> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        Entries = [.. entries.OrderBy(e => e.Path, StringComparer.Ordinal)];
        _byPath = Entries.ToDictionary(e => e.Path, StringComparer.Ordinal);
    }

    /// <summary>All changes, by path.</summary>
    public IReadOnlyList<SandboxChange> Entries { get; }

    /// <summary>The written paths (created or modified).</summary>
    public IEnumerable<SandboxChange> Written => Entries.Where(e => e.Kind == SandboxChangeKind.Written);

    /// <summary>The deleted paths.</summary>
    public IEnumerable<SandboxChange> Deleted => Entries.Where(e => e.Kind == SandboxChangeKind.Deleted);

    /// <summary>True when nothing changed.</summary>
    public bool IsEmpty => Entries.Count == 0;

    /// <summary>The change at <paramref name="path"/> (relative, e.g. <c>etc/passwd</c>; a leading slash is ignored), or null.</summary>
    public SandboxChange? Find(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return _byPath.GetValueOrDefault(path.TrimStart('/'));
    }
}
