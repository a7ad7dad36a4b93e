using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using AptOstree.Posix;

namespace AptOstree.Deb.Tests.Package;

/// <summary>Everything dpkg-deb -x is expected to reproduce, read back from a directory with lstat.</summary>
internal static class TreeSnapshot
{
    public static SortedDictionary<string, string> Take(string root, bool includeOwners)
    {
        var fs = LibcPosixFileSystem.Instance;
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var inodes = new Dictionary<ulong, List<string>>();
        Walk(fs, root, string.Empty, result, inodes, includeOwners);
        foreach (var group in inodes.Values.Where(g => g.Count > 1))
        {
            group.Sort(StringComparer.Ordinal);
            foreach (var path in group)
            {
                result[path] += " links=" + string.Join(',', group);
            }
        }

        return result;
    }

    public static string Diff(SortedDictionary<string, string> expected, SortedDictionary<string, string> actual)
    {
        var sb = new StringBuilder();
        foreach (var (path, value) in expected)
        {
            if (!actual.TryGetValue(path, out var other))
            {
                sb.AppendLine(CultureInfo.InvariantCulture, $"missing: {path} {value}");
            }
            else if (other != value)
            {
                sb.AppendLine(CultureInfo.InvariantCulture, $"differs: {path}\n  dpkg: {value}\n  ours: {other}");
            }
        }

        foreach (var path in actual.Keys.Where(k => !expected.ContainsKey(k)))
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"extra: {path} {actual[path]}");
        }

        return sb.ToString();
    }

    /// <summary>
    /// GNU tar (behind dpkg-deb -x) restores a directory's times when the archive leaves it, and creates symlinks with
    /// absolute or '..' targets as placeholders swapped in at the end; dpkg-deb puts every symlink after all other
    /// members. So directories holding symlinks end up with the extraction time. We restore the
    /// archive's time instead (deterministic). Accept exactly that difference: dpkg's time is from this run and ours
    /// is the archive's.
    /// </summary>
    public static void ForgiveTarDirectoryTimes(SortedDictionary<string, string> expected, SortedDictionary<string, string> actual, Dictionary<string, long> archiveTimes, long started)
    {
        foreach (var path in expected.Keys.ToList())
        {
            var theirs = Mtime(expected[path]);
            if (theirs >= started && expected[path].StartsWith("type=Directory", StringComparison.Ordinal)
                && actual.TryGetValue(path, out var ourLine) && archiveTimes.TryGetValue(path, out var archived) && Mtime(ourLine) == archived)
            {
                expected[path] = expected[path].Replace($"mtime={theirs}", "mtime=archive", StringComparison.Ordinal);
                actual[path] = ourLine.Replace($"mtime={archived}", "mtime=archive", StringComparison.Ordinal);
            }
        }
    }

    private static long Mtime(string line)
    {
        var start = line.IndexOf("mtime=", StringComparison.Ordinal) + 6;
        var end = line.IndexOf(' ', start);
        return long.Parse(line[start..(end < 0 ? line.Length : end)], System.Globalization.CultureInfo.InvariantCulture);
    }

    private static void Walk(IPosixFileSystem fs, string root, string relative, SortedDictionary<string, string> result, Dictionary<ulong, List<string>> inodes, bool owners)
    {
        var full = relative.Length == 0 ? root : Path.Combine(root, relative);
        var st = fs.GetStatus(full);
        var key = relative.Length == 0 ? "." : relative;
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"type={st.FileType} mode={Convert.ToString(st.Permissions, 8)} mtime={st.ModificationTimeSeconds}");
        if (owners)
        {
            sb.Append(CultureInfo.InvariantCulture, $" owner={st.Uid}:{st.Gid}");
        }

        switch (st.FileType)
        {
            case PosixFileType.RegularFile:
                using (var s = fs.OpenRead(full))
                {
                    sb.Append(CultureInfo.InvariantCulture, $" size={st.Size} sha256={Convert.ToHexStringLower(SHA256.HashData(s))}");
                }

                if (st.LinkCount > 1)
                {
                    if (!inodes.TryGetValue(st.Inode, out var list))
                    {
                        inodes[st.Inode] = list = [];
                    }

                    list.Add(key);
                }

                break;
            case PosixFileType.SymbolicLink:
                sb.Append(" -> ").Append(fs.ReadSymbolicLink(full));
                break;
            case PosixFileType.CharacterDevice:
            case PosixFileType.BlockDevice:
                sb.Append(CultureInfo.InvariantCulture, $" rdev={PosixDevice.Major(st.RDevice)},{PosixDevice.Minor(st.RDevice)}");
                break;
        }

        result[key] = sb.ToString();
        if (st.IsDirectory)
        {
            foreach (var name in fs.ListDirectory(full))
            {
                Walk(fs, root, relative.Length == 0 ? name : relative + "/" + name, result, inodes, owners);
            }
        }
    }
}
