using System.Globalization;

namespace AptOstree.Deb;

/// <summary>User and group names of the host (<c>/etc/passwd</c>, <c>/etc/group</c>), used like GNU tar maps owner names.</summary>
internal sealed class HostAccounts
{
    private static readonly Lazy<HostAccounts> Shared = new(() => new HostAccounts("/etc/passwd", "/etc/group"));
    private readonly Dictionary<string, int> users;
    private readonly Dictionary<string, int> groups;

    public HostAccounts(string passwdPath, string groupPath)
    {
        users = Load(passwdPath);
        groups = Load(groupPath);
    }

    public static HostAccounts Instance => Shared.Value;

    public int ResolveUid(string name, int fallback) => name.Length > 0 && users.TryGetValue(name, out var id) ? id : fallback;

    public int ResolveGid(string name, int fallback) => name.Length > 0 && groups.TryGetValue(name, out var id) ? id : fallback;

    public string? UserName(int uid) => users.FirstOrDefault(p => p.Value == uid).Key;

    public string? GroupName(int gid) => groups.FirstOrDefault(p => p.Value == gid).Key;

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
