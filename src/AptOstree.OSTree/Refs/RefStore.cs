using System.Text.RegularExpressions;
using AptOstree.IO;

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

        var checksum = TryResolve(rev) ?? throw new AptOstreeException(OSTreeErrorCodes.RefNotFound, $"Refspec '{rev}' not found in {_repo.Path}.");
        for (int i = 0; i < up; i++)
        {
            checksum = _repo.Objects.ReadCommit(checksum).Parent
                ?? throw new AptOstreeException(OSTreeErrorCodes.RefNotFound, $"Commit {checksum} has no parent.");
        }

        return checksum;
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
        if (path is null || !File.Exists(path))
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

        string text = File.ReadAllText(path).Trim();
        return Checksum.TryParse(text, out var value)
            ? value
            : throw new InvalidFormatException(OSTreeErrorCodes.InvalidObject, $"Ref file {path} does not hold a checksum.", null, path);
    }

    /// <summary>Sets (or with null, deletes) a local ref, or a remote ref when spelled <c>REMOTE:REF</c>.</summary>
    public void Set(string refspec, Checksum? value)
    {
        string path = PathOf(refspec) ?? throw new AptOstreeException(OSTreeErrorCodes.InvalidRefName, $"Invalid ref name '{refspec}'.");
        if (value is null)
        {
            if (File.Exists(path))
            {
                File.Delete(path);
            }

            return;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        AtomicFile.WriteText(path, value.Value + "\n", 0x1A4, _repo.Fsync, _repo.FileSystem);
        Directory.SetLastWriteTimeUtc(_repo.Path, DateTime.UtcNow);
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
        if (Directory.Exists(remotes))
        {
            foreach (var remote in Directory.EnumerateDirectories(remotes))
            {
                Collect(remote, string.Empty, Path.GetFileName(remote) + ":", result);
            }
        }

        return prefix is null
            ? result
            : result.Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal)).ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
    }

    /// <summary>
    /// Deletes the <c>.tmp-*</c> files that ref writes interrupted before their rename leave under <c>refs/</c>.
    /// </summary>
    /// <returns>How many were removed.</returns>
    public int RemoveStaleTemporaries()
    {
        string refs = Path.Combine(_repo.Path, "refs");
        if (!Directory.Exists(refs))
        {
            return 0;
        }

        int removed = 0;
        foreach (var file in Directory.EnumerateFiles(refs, ".tmp-*", SearchOption.AllDirectories))
        {
            File.Delete(file);
            removed++;
        }

        return removed;
    }

    /// <summary>Collection refs under <c>refs/mirrors</c> as (collection id, ref) → checksum.</summary>
    public IReadOnlyDictionary<(string CollectionId, string Ref), Checksum> ListMirrors()
    {
        var result = new Dictionary<(string, string), Checksum>();
        string mirrors = Path.Combine(_repo.Path, "refs", "mirrors");
        if (Directory.Exists(mirrors))
        {
            foreach (var collection in Directory.EnumerateDirectories(mirrors))
            {
                var inner = new SortedDictionary<string, Checksum>(StringComparer.Ordinal);
                Collect(collection, string.Empty, null, inner);
                foreach (var (k, v) in inner)
                {
                    result[(Path.GetFileName(collection), k)] = v;
                }
            }
        }

        return result;
    }

    /// <summary>Sets a collection ref under <c>refs/mirrors/COLLECTION/REF</c>.</summary>
    public void SetMirror(string collectionId, string refName, Checksum value)
    {
        if (!IsValidName(refName) || !IsValidName(collectionId))
        {
            throw new AptOstreeException(OSTreeErrorCodes.InvalidRefName, $"Invalid collection ref ({collectionId}, {refName}).");
        }

        string path = Path.Combine(_repo.Path, "refs", "mirrors", collectionId, refName);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        AtomicFile.WriteText(path, value + "\n", 0x1A4, _repo.Fsync, _repo.FileSystem);
    }

    private Checksum? TryResolveExact(string refspec)
    {
        string? path = PathOf(refspec);
        return path is not null && File.Exists(path) && Checksum.TryParse(File.ReadAllText(path).Trim(), out var c) ? c : null;
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

    private static void Collect(string dir, string prefix, string? remotePrefix, IDictionary<string, Checksum> result)
    {
        if (!Directory.Exists(dir))
        {
            return;
        }

        foreach (var entry in new DirectoryInfo(dir).EnumerateFileSystemInfos())
        {
            if (!IsValidName(entry.Name))
            {
                // Not a ref: e.g. the .tmp-* file of a ref write interrupted before its rename.
                continue;
            }

            string name = prefix + entry.Name;
            if (entry is DirectoryInfo)
            {
                Collect(entry.FullName, name + "/", remotePrefix, result);
            }
            else if (Checksum.TryParse(File.ReadAllText(entry.FullName).Trim(), out var c))
            {
                result[(remotePrefix ?? string.Empty) + name] = c;
            }
        }
    }

    [GeneratedRegex(@"^(?:[\w\d][-._\w\d]*/)*[\w\d][-._\w\d]*$")]
    private static partial Regex RefRegex();
}
