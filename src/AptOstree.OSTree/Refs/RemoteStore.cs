using AptOstree.OpenPgp;
using AptOstree.Posix;

namespace AptOstree.OSTree;

/// <summary>A remote configured in a repository's <c>config</c> (<c>[remote "NAME"]</c>).</summary>
/// <param name="Name">The remote name.</param>
/// <param name="Url">Its URL (<c>http(s)://…</c> or <c>file://…</c>).</param>
/// <param name="GpgVerify">Whether pulls verify GPG signatures (<c>gpg-verify</c>; true when the key is absent, as in libostree).</param>
/// <param name="Options">Every key of the group.</param>
public sealed record OstreeRemote(string Name, string Url, bool GpgVerify, IReadOnlyDictionary<string, string> Options);

/// <summary>The remotes of a repository.</summary>
public sealed class RemoteStore
{
    private readonly OstreeRepository _repo;

    internal RemoteStore(OstreeRepository repository) => _repo = repository;

    /// <summary>All remotes in config order.</summary>
    public IReadOnlyList<OstreeRemote> List() =>
        _repo.Config.Groups.Where(g => g.StartsWith("remote \"", StringComparison.Ordinal) && g.EndsWith('"'))
            .Select(g => Get(g[8..^1])!).ToArray();

    /// <summary>A remote by name, or null.</summary>
    public OstreeRemote? Get(string name)
    {
        string group = $"remote \"{name}\"";
        var entries = _repo.Config.GetEntries(group);
        if (entries.Count == 0)
        {
            return null;
        }

        var options = entries.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        return new OstreeRemote(name, options.GetValueOrDefault("url", string.Empty), _repo.Config.GetBoolean(group, "gpg-verify", true), options);
    }

    /// <summary>Adds (or replaces) a remote and saves the config, like <c>ostree remote add</c>.</summary>
    public void Add(string name, string url, bool gpgVerify = false, IReadOnlyDictionary<string, string>? options = null)
    {
        if (!RefStore.IsValidName(name) || name.Contains('/', StringComparison.Ordinal))
        {
            throw new AptOstreeException(OstreeErrorCodes.InvalidRefName, $"Invalid remote name '{name}'.");
        }

        string group = $"remote \"{name}\"";
        _repo.Config.RemoveGroup(group);
        _repo.Config.Set(group, "url", url);
        _repo.Config.Set(group, "gpg-verify", gpgVerify ? "true" : "false");
        foreach (var (k, v) in options ?? new Dictionary<string, string>())
        {
            _repo.Config.Set(group, k, v);
        }

        _repo.SaveConfig();
    }

    /// <summary>
    /// Adds <paramref name="keys"/> to the remote's trusted GPG keys (<c>REPO/NAME.trustedkeys.gpg</c>, written
    /// atomically), as <c>ostree remote gpg-import</c> does; a key already there takes in what the new copy adds.
    /// </summary>
    /// <returns>How many certificates were new.</returns>
    /// <exception cref="AptOstreeException">No such remote (<see cref="OstreeErrorCodes.RemoteFailed"/>), or its keyring is unreadable.</exception>
    public int ImportGpgKeys(string name, OpenPgpKeyring keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var existing = TrustedGpgKeys(name);
        int added = keys.Fingerprints.Distinct(StringComparer.Ordinal).Count(f => !existing.Fingerprints.Contains(f));
        using var bytes = new MemoryStream();
        existing.Merge(keys).Export(bytes);
        AtomicFile.Write(TrustedKeysPath(name), bytes.ToArray(), PosixPermissions.File, _repo.Fsync, _repo.FileSystem);
        return added;
    }

    /// <summary>The remote's own trusted GPG keys (<c>REPO/NAME.trustedkeys.gpg</c>); empty when it has none.</summary>
    /// <exception cref="AptOstreeException">No such remote (<see cref="OstreeErrorCodes.RemoteFailed"/>), or its keyring is unreadable.</exception>
    public OpenPgpKeyring TrustedGpgKeys(string name)
    {
        _ = Get(name) ?? throw new AptOstreeException(OstreeErrorCodes.RemoteFailed, $"Remote '{name}' is not configured in {_repo.Path}/config.");
        string path = TrustedKeysPath(name);
        if (!_repo.FileSystem.TryGetTargetStatus(path, out var status) || !status.IsRegularFile || status.Size == 0)
        {
            return OpenPgpKeyring.Combine([]);
        }

        try
        {
            using var stream = new MemoryStream(_repo.FileSystem.ReadAllBytes(path), writable: false);
            return OpenPgpKeyring.Load(stream, path);
        }
        catch (InvalidFormatException ex)
        {
            throw new AptOstreeException(OstreeErrorCodes.InvalidKey, $"Remote '{name}': GPG keyring {path} cannot be read: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// The keys <c>ostree show</c> checks a commit's GPG signatures with: every remote's own keyring,
    /// <c>/usr/share/ostree/trusted.gpg.d</c> and the <c>*.gpg</c> files of <paramref name="keyringDirectory"/> (a
    /// <c>--gpg-homedir</c>). As in libostree, a <c>*.gpg</c> file there that holds no keys (gpg's <c>trustdb.gpg</c>) is passed over.
    /// </summary>
    /// <exception cref="AptOstreeException">A remote's own keyring is unreadable.</exception>
    public OpenPgpKeyring AllTrustedGpgKeys(string? keyringDirectory = null)
    {
        var keyrings = List().Select(r => TrustedGpgKeys(r.Name)).ToList();
        foreach (string? directory in new[] { GlobalGpgKeyringDirectory, keyringDirectory })
        {
            // Global keyring directories and --gpg-homedir are outside the repository: the real file system, not FileSystem.
            if (directory is null || !Directory.Exists(directory))
            {
                continue;
            }

            foreach (string file in RemoteVerification.KeyringsIn(directory))
            {
                try
                {
                    keyrings.Add(OpenPgpKeyring.LoadFile(file));
                }
                catch (InvalidFormatException)
                {
                }
            }
        }

        return OpenPgpKeyring.Combine(keyrings);
    }

    /// <summary>Keyrings every remote without its own keyring trusts, as in libostree.</summary>
    internal const string GlobalGpgKeyringDirectory = "/usr/share/ostree/trusted.gpg.d";

    /// <summary>A remote's own keyring, written by <c>ostree remote gpg-import</c>.</summary>
    internal static string TrustedKeysFile(string repositoryPath, string remoteName) => Path.Combine(repositoryPath, remoteName + ".trustedkeys.gpg");

    private string TrustedKeysPath(string name) => TrustedKeysFile(_repo.Path, name);

    /// <summary>Removes a remote; true if it existed.</summary>
    public bool Remove(string name)
    {
        bool removed = _repo.Config.RemoveGroup($"remote \"{name}\"");
        if (removed)
        {
            _repo.SaveConfig();
        }

        return removed;
    }
}
