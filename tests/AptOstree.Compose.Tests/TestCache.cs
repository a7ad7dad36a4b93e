namespace AptOstree.Compose.Tests;

/// <summary>The on-disk caches the compose fixtures share between test processes: an exclusive lock and a pinned copy of the apt lists.</summary>
internal static class TestCache
{
    /// <summary>Takes an exclusive lock on <paramref name="path"/>, waiting while another test process composes into the same cache.</summary>
    public static FileStream Lock(string path)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(40);
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(500);
            }
        }
    }

    /// <summary>Copies the list files into <paramref name="target"/> once (through a temporary sibling), so both sides of a comparison read one snapshot.</summary>
    public static void SnapshotLists(IEnumerable<string> lists, string target)
    {
        if (Directory.Exists(target))
        {
            return;
        }

        string tmp = target + ".tmp";
        if (Directory.Exists(tmp))
        {
            Directory.Delete(tmp, recursive: true);
        }

        Directory.CreateDirectory(tmp);
        foreach (var f in lists)
        {
            File.Copy(f, Path.Combine(tmp, Path.GetFileName(f)));
        }

        Directory.Move(tmp, target);
    }
}
