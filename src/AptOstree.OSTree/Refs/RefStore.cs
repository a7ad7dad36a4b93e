using System.Text.RegularExpressions;
using AptOstree.Posix;

namespace AptOstree.OSTree;

/// <summary>
/// Refs of a repository: <c>refs/heads/NAME</c> (local), <c>refs/remotes/REMOTE/NAME</c> (spelled
/// <c>REMOTE:NAME</c>) and <c>refs/mirrors/COLLECTION/NAME</c>. Ref files hold 64 hex digits and a newline.
/// </summary>
public sealed partial class RefStore
{
    private readonly OstreeRepository _repo;

    internal RefStore(OstreeRepository repository) => _repo = repository;

    /// <summary>True when <paramref name="name"/> follows libostree's ref syntax <c>(?:F/)*F</c>, <c>F = [\w\d][-._\w\d]*</c>.</summary>
    public static bool IsValidName(string name) => name is not null && RefRegex().IsMatch(name);

    /// <summary>Resolves a checksum, <c>REF</c>, <c>REMOTE:REF</c>, each optionally followed by <c>^</c> (parent, repeatable).</summary>
    /// <exception cref="AptOstreeException">Unknown ref or missing parent.</exception>
    public Checksum Resolve(string rev)
    {
        ArgumentException.ThrowIfNullOrEmpty(rev);
        int up = 0;
        while (rev.EndsWith('^'))
        {
            rev = rev[..^1];
            up++;
        }

        var checksum = ResolvePartialChecksum(rev) ?? TryResolve(rev) ?? throw new AptOstreeException(OstreeErrorCodes.RefNotFound, $"Refspec '{rev}' not found in {_repo.Path}.");
        for (int i = 0; i < up; i++)
        {
            checksum = _repo.Objects.ReadCommit(checksum).Parent
                ?? throw new AptOstreeException(OstreeErrorCodes.RefNotFound, $"Commit {checksum} has no parent.");
        }

        return checksum;
    }

    /// <summary>
    /// The one commit object whose checksum starts with <paramref name="prefix"/> (1–63 lowercase hex digits), as
    /// libostree's rev parsing tries before refs; null when no commit or <paramref name="prefix"/> is no such prefix.
    /// </summary>
    /// <exception cref="AptOstreeException">More than one commit matches.</exception>
    public Checksum? ResolvePartialChecksum(string prefix)
    {
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        if (prefix.Length >= Checksum.ByteLength * 2 || !prefix.All(c => c is (>= '0' and <= '9') or (>= 'a' and <= 'f')))
        {
            return null;
        }

        var fs = _repo.FileSystem;
        string objects = Path.Combine(_repo.Path, "objects");
        var directories = prefix.Length >= 2
            ? [prefix[..2]]
            : fs.DirectoryExists(objects) ? fs.ListDirectory(objects).Where(d => d.Length == 2 && d.StartsWith(prefix, StringComparison.Ordinal)) : [];
        Checksum? found = null;
        foreach (var directory in directories.Where(d => fs.DirectoryExists(Path.Combine(objects, d))))
        {
            string rest = prefix.Length > 2 ? prefix[2..] : string.Empty;
            foreach (var file in fs.ListDirectory(Path.Combine(objects, directory)).Where(f => f.StartsWith(rest, StringComparison.Ordinal) && f.EndsWith(".commit", StringComparison.Ordinal)))
            {
                string name = directory + Path.GetFileNameWithoutExtension(file);
                if (!Checksum.TryParse(name, out var candidate))
                {
                    continue;
                }

                if (found is not null && found.Value != candidate)
                {
                    throw new AptOstreeException(OstreeErrorCodes.RefNotFound, $"Refspec '{prefix}' is ambiguous: it is a prefix of commits {found} and {candidate}.");
                }

                found = candidate;
            }
        }

        return found;
    }

    /// <summary>Resolves like <see cref="Resolve"/> without parent syntax; null when the ref does not exist.</summary>
    public Checksum? TryResolve(string refspec)
    {
        ArgumentException.ThrowIfNullOrEmpty(refspec);
        if (Checksum.TryParse(refspec, out var direct))
        {
            return direct;
        }

        string? path = PathOf(refspec);
        if (path is null || !_repo.FileSystem.FileExists(path))
        {
            if (path is not null && !refspec.Contains(':', StringComparison.Ordinal))
            {
                // libostree also finds a bare name among remote refs when it is unique.
                var candidates = List().Where(kv => kv.Key.EndsWith(":" + refspec, StringComparison.Ordinal)).ToList();
                if (candidates.Count == 1)
                {
                    return candidates[0].Value;
                }
            }

            return null;
        }

        string text = _repo.FileSystem.ReadAllText(path).Trim();
        return Checksum.TryParse(text, out var value)
            ? value
            : throw new InvalidFormatException(OstreeErrorCodes.InvalidObject, $"Ref file {path} does not hold a checksum.", null, path);
    }

    /// <summary>Sets (or with null, deletes) a local ref, or a remote ref when spelled <c>REMOTE:REF</c>.</summary>
    public void Set(string refspec, Checksum? value)
    {
        string path = PathOf(refspec) ?? throw new AptOstreeException(OstreeErrorCodes.InvalidRefName, $"Invalid ref name '{refspec}'.");
        if (value is null)
        {
            _repo.FileSystem.DeleteIfExists(path);
            return;
        }

        WriteRefFile(path, value.Value);
    }

    /// <summary>Deletes a ref; true if it existed.</summary>
    public bool Delete(string refspec)
    {
        bool existed = TryResolveExact(refspec) is not null;
        Set(refspec, null);
        return existed;
    }

    /// <summary>All refs: local ones by name, remote ones as <c>REMOTE:NAME</c>, sorted.</summary>
    public IReadOnlyDictionary<string, Checksum> List(string? prefix = null)
    {
        var result = new SortedDictionary<string, Checksum>(StringComparer.Ordinal);
        Collect(Path.Combine(_repo.Path, "refs", "heads"), string.Empty, null, result);
        string remotes = Path.Combine(_repo.Path, "refs", "remotes");
        foreach (var remote in SubdirectoriesOf(remotes))
        {
            Collect(Path.Combine(remotes, remote), string.Empty, remote + ":", result);
        }

        return prefix is null
            ? result
            : result.Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal)).ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
    }

    /// <summary>
    /// Local refs that are aliases (symbolic links under <c>refs/heads</c>, as <c>ostree refs --alias --create</c>
    /// writes them), alias name → the ref it names, sorted.
    /// </summary>
    public IReadOnlyDictionary<string, string> ListAliases()
    {
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        string heads = Path.Combine(_repo.Path, "refs", "heads");
        foreach (var (link, status) in _repo.FileSystem.EnumerateRecursively(heads))
        {
            string name = Path.GetRelativePath(heads, link);
            if (status.IsSymbolicLink && IsValidName(name))
            {
                string target = _repo.FileSystem.ReadSymbolicLink(link);
                result[name] = Path.GetRelativePath(heads, Path.GetFullPath(target, Path.GetDirectoryName(link)!));
            }
        }

        return result;
    }

    /// <summary>
    /// Makes local ref <paramref name="alias"/> an alias of the existing local ref <paramref name="target"/>: a relative
    /// symbolic link under <c>refs/heads</c>, like <c>ostree refs --alias --create=ALIAS TARGET</c>.
    /// </summary>
    /// <exception cref="AptOstreeException">Invalid names, or <paramref name="target"/> is no local ref.</exception>
    public void SetAlias(string alias, string target)
    {
        ArgumentException.ThrowIfNullOrEmpty(alias);
        ArgumentException.ThrowIfNullOrEmpty(target);
        if (!IsValidName(alias) || !IsValidName(target))
        {
            throw new AptOstreeException(OstreeErrorCodes.InvalidRefName, $"Invalid alias '{alias}' -> '{target}'.");
        }

        string heads = Path.Combine(_repo.Path, "refs", "heads");
        if (!_repo.FileSystem.FileExists(Path.Combine(heads, target)))
        {
            throw new AptOstreeException(OstreeErrorCodes.RefNotFound, $"Cannot create alias to non-existent ref: {target}");
        }

        string path = Path.Combine(heads, alias);
        var fs = _repo.FileSystem;
        fs.CreateDirectories(Path.GetDirectoryName(path)!, PosixPermissions.All);
        string temporary = Path.Combine(Path.GetDirectoryName(path)!, ".tmp-" + Guid.NewGuid().ToString("N"));
        fs.CreateSymbolicLink(string.Concat(Enumerable.Repeat("../", alias.Count(c => c == '/'))) + target, temporary);
        fs.Rename(temporary, path);
        fs.SetModificationTime(_repo.Path, _repo.TimeProvider.GetUtcNow());
    }

    /// <summary>
    /// Deletes the <c>.tmp-*</c> files that ref writes interrupted before their rename leave under <c>refs/</c>.
    /// </summary>
    /// <returns>How many were removed.</returns>
    public int RemoveStaleTemporaries()
    {
        string refs = Path.Combine(_repo.Path, "refs");
        var stale = _repo.FileSystem.EnumerateRecursively(refs)
            .Where(e => !e.Status.IsDirectory && Path.GetFileName(e.Path).StartsWith(".tmp-", StringComparison.Ordinal))
            .Select(e => e.Path)
            .ToList();
        foreach (var file in stale)
        {
            _repo.FileSystem.Delete(file);
        }

        return stale.Count;
    }

    /// <summary>Collection refs under <c>refs/mirrors</c> as (collection id, ref) → checksum.</summary>
    public IReadOnlyDictionary<(string CollectionId, string Ref), Checksum> ListMirrors()
    {
        var result = new Dictionary<(string, string), Checksum>();
        string mirrors = Path.Combine(_repo.Path, "refs", "mirrors");
        foreach (var collection in SubdirectoriesOf(mirrors))
        {
            var inner = new SortedDictionary<string, Checksum>(StringComparer.Ordinal);
            Collect(Path.Combine(mirrors, collection), string.Empty, null, inner);
            foreach (var (k, v) in inner)
            {
                result[(collection, k)] = v;
            }
        }

        return result;
    }

    /// <summary>Sets a collection ref under <c>refs/mirrors/COLLECTION/REF</c>.</summary>
    public void SetMirror(string collectionId, string refName, Checksum value)
    {
        if (!IsValidName(refName) || !IsValidCollectionId(collectionId))
        {
            throw new AptOstreeException(OstreeErrorCodes.InvalidRefName, $"Invalid collection ref ({collectionId}, {refName}).");
        }

        WriteRefFile(Path.Combine(_repo.Path, "refs", "mirrors", collectionId, refName), value);
    }

    /// <summary>
    /// True when <paramref name="collectionId"/> follows libostree's collection ID syntax: at least two dot-separated
    /// elements of letters, digits, <c>-</c> and <c>_</c> (not leading or trailing), e.g. <c>org.example.Os</c>.
    /// </summary>
    public static bool IsValidCollectionId(string collectionId) => collectionId is not null && CollectionIdRegex().IsMatch(collectionId);

    /// <summary>
    /// Sets (or with null, deletes) a collection ref where libostree keeps it: <c>refs/heads/REF</c> when the
    /// collection is this repository's own <c>core.collection-id</c>, else <c>refs/mirrors/COLLECTION/REF</c>.
    /// </summary>
    public void SetCollectionRef(CollectionRef collectionRef, Checksum? value)
    {
        ArgumentNullException.ThrowIfNull(collectionRef);
        string path = CollectionRefPath(collectionRef);
        if (value is null)
        {
            _repo.FileSystem.DeleteIfExists(path);
            return;
        }

        WriteRefFile(path, value.Value);
    }

    /// <summary>The commit a collection ref points to (looked up where <see cref="SetCollectionRef"/> writes it), or null.</summary>
    public Checksum? TryResolveCollectionRef(CollectionRef collectionRef)
    {
        ArgumentNullException.ThrowIfNull(collectionRef);
        string path = CollectionRefPath(collectionRef);
        return _repo.FileSystem.FileExists(path) && Checksum.TryParse(_repo.FileSystem.ReadAllText(path).Trim(), out var c) ? c : null;
    }

    /// <summary>
    /// Every ref that has a collection ID, like <c>ostree refs --collections</c>: local refs under this repository's
    /// <c>core.collection-id</c> (none without one), refs of remotes configured with a <c>collection-id</c>, and
    /// <c>refs/mirrors</c>. Sorted by collection ID, then ref name.
    /// </summary>
    public IReadOnlyDictionary<CollectionRef, Checksum> ListCollectionRefs()
    {
        var result = new SortedDictionary<CollectionRef, Checksum>(CollectionRefComparer.Instance);
        if (_repo.Config.Get("core", "collection-id") is string own)
        {
            var heads = new SortedDictionary<string, Checksum>(StringComparer.Ordinal);
            Collect(Path.Combine(_repo.Path, "refs", "heads"), string.Empty, null, heads);
            foreach (var (name, checksum) in heads)
            {
                result[new CollectionRef(own, name)] = checksum;
            }
        }

        foreach (var remote in _repo.Remotes.List())
        {
            if (remote.Options.GetValueOrDefault("collection-id") is string collection)
            {
                var refs = new SortedDictionary<string, Checksum>(StringComparer.Ordinal);
                Collect(Path.Combine(_repo.Path, "refs", "remotes", remote.Name), string.Empty, null, refs);
                foreach (var (name, checksum) in refs)
                {
                    result[new CollectionRef(collection, name)] = checksum;
                }
            }
        }

        foreach (var ((collection, name), checksum) in ListMirrors())
        {
            result[new CollectionRef(collection, name)] = checksum;
        }

        return result;
    }

    private string CollectionRefPath(CollectionRef collectionRef)
    {
        if (!IsValidName(collectionRef.Name) || !IsValidCollectionId(collectionRef.CollectionId))
        {
            throw new AptOstreeException(OstreeErrorCodes.InvalidRefName, $"Invalid collection ref {collectionRef}.");
        }

        return collectionRef.CollectionId == _repo.Config.Get("core", "collection-id")
            ? Path.Combine(_repo.Path, "refs", "heads", collectionRef.Name)
            : Path.Combine(_repo.Path, "refs", "mirrors", collectionRef.CollectionId, collectionRef.Name);
    }

    private void WriteRefFile(string path, Checksum value)
    {
        _repo.FileSystem.CreateDirectories(Path.GetDirectoryName(path)!, PosixPermissions.All);
        AtomicFile.WriteText(path, value + "\n", PosixPermissions.File, _repo.Fsync, _repo.FileSystem);
        _repo.FileSystem.SetModificationTime(_repo.Path, _repo.TimeProvider.GetUtcNow());
    }

    private Checksum? TryResolveExact(string refspec)
    {
        string? path = PathOf(refspec);
        return path is not null && _repo.FileSystem.FileExists(path) && Checksum.TryParse(_repo.FileSystem.ReadAllText(path).Trim(), out var c) ? c : null;
    }

    private string? PathOf(string refspec)
    {
        int colon = refspec.IndexOf(':', StringComparison.Ordinal);
        if (colon >= 0)
        {
            string remote = refspec[..colon];
            string name = refspec[(colon + 1)..];
            return IsValidName(remote) && !remote.Contains('/', StringComparison.Ordinal) && IsValidName(name)
                ? Path.Combine(_repo.Path, "refs", "remotes", remote, name)
                : null;
        }

        return IsValidName(refspec) ? Path.Combine(_repo.Path, "refs", "heads", refspec) : null;
    }

    /// <summary>The names of the directories (or symlinks to directories) in <paramref name="dir"/>; none when it is missing.</summary>
    private IEnumerable<string> SubdirectoriesOf(string dir)
    {
        var fs = _repo.FileSystem;
        return fs.DirectoryExists(dir) ? fs.ListDirectory(dir).Where(n => fs.DirectoryExists(Path.Combine(dir, n))) : [];
    }

    private void Collect(string dir, string prefix, string? remotePrefix, IDictionary<string, Checksum> result)
    {
        var fs = _repo.FileSystem;
        if (!fs.DirectoryExists(dir))
        {
            return;
        }

        foreach (var entryName in fs.ListDirectory(dir))
        {
            if (!IsValidName(entryName))
            {
                // Not a ref: e.g. the .tmp-* file of a ref write interrupted before its rename.
                continue;
            }

            string entry = Path.Combine(dir, entryName);
            string name = prefix + entryName;
            if (!fs.TryGetTargetStatus(entry, out var status))
            {
                // A dangling alias names no commit.
                continue;
            }

            if (status.IsDirectory)
            {
                Collect(entry, name + "/", remotePrefix, result);
            }
            else if (Checksum.TryParse(fs.ReadAllText(entry).Trim(), out var c))
            {
                result[(remotePrefix ?? string.Empty) + name] = c;
            }
        }
    }

    [GeneratedRegex(@"^(?:[\w\d][-._\w\d]*/)*[\w\d][-._\w\d]*$")]
    private static partial Regex RefRegex();

    [GeneratedRegex(@"^[\w\d]+(?:[-_][\w\d]+)*(?:\.[\w\d]+(?:[-_][\w\d]+)*)+$")]
    private static partial Regex CollectionIdRegex();
}
