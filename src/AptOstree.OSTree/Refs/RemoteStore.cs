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
            throw new AptOstreeException(OSTreeErrorCodes.InvalidRefName, $"Invalid remote name '{name}'.");
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
