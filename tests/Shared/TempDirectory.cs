namespace AptOstree.Testing;

/// <summary>A fresh directory under /tmp, deleted (with read-only parts made writable) on dispose.</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory(string prefix = "aptostree-test-")
    {
        Path = Directory.CreateTempSubdirectory(prefix).FullName;
    }

    public string Path { get; }

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    public void Dispose()
    {
        try
        {
            // chmod first: extracted trees and ostree checkouts contain read-only directories.
            ExternalTool.Run("chmod", ["-R", "u+rwX", Path]);
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Trees deeper than PATH_MAX (the deep-tree tests) are beyond Directory.Delete; rm walks them by descriptor.
            ExternalTool.Run("rm", ["-rf", Path]);
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
