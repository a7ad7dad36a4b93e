using System.Globalization;

namespace AptOstree.Deb;

/// <summary>User and group names of the host (<c>/etc/passwd</c>, <c>/etc/group</c>), used like GNU tar maps owner names.</summary>
internal sealed class HostAccounts
{
    private static readonly Lazy<HostAccounts> Shared = new(() => new HostAccounts("/etc/passwd", "/etc/group"));
    private readonly Dictionary<string, int> _users;
    private readonly Dictionary<string, int> _groups;

    public HostAccounts(string passwdPath, string groupPath)
    {
        _users = Load(passwdPath);
        _groups = Load(groupPath);
    }

    public static HostAccounts Instance => Shared.Value;

    public int ResolveUid(string name, int fallback) => name.Length > 0 && _users.TryGetValue(name, out var id) ? id : fallback;

    public int ResolveGid(string name, int fallback) => name.Length > 0 && _groups.TryGetValue(name, out var id) ? id : fallback;

    public string? UserName(int uid) => _users.FirstOrDefault(p => p.Value == uid).Key;

    public string? GroupName(int gid) => _groups.FirstOrDefault(p => p.Value == gid).Key;

    private static Dictionary<string, int> Load(string path)
    {
        var map = new Dictionary<string, int>(StringComparer.Ordinal);
        try
        {
            foreach (var line in File.ReadLines(path))
            {
                var parts = line.Split(':');
                if (parts.Length >= 3 && int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var id))
                {
                    map.TryAdd(parts[0], id);
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return map;
    }
}
