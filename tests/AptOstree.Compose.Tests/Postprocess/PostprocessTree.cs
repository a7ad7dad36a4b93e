using System.Text;
using AptOstree.OSTree;
using AptOstree.Testing;

namespace AptOstree.Compose.Tests.Postprocess;

/// <summary>A scratch repository and an in-memory tree for the post-processing steps, committed and checked out with the real <c>ostree</c>.</summary>
internal sealed class PostprocessTree : IDisposable
{
    private readonly TempDirectory _temp = new("aptostree-postprocess-");

    public PostprocessTree()
    {
        RepositoryPath = _temp.Combine("repo");
        Repository = OstreeRepository.Create(RepositoryPath, Environment.IsPrivilegedProcess ? RepoMode.Bare : RepoMode.BareUser);
    }

    public string RepositoryPath { get; }

    public OstreeRepository Repository { get; }

    public MutableTree Root { get; } = new();

    public string Combine(params string[] parts) => _temp.Combine(parts);

    public void File(string path, string text, uint mode = 0x1A4)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        using var stream = new MemoryStream(bytes, writable: false);
        Parent(path).ReplaceFile(System.IO.Path.GetFileName(path), Repository.WriteContent(FileHeader.ForFile(0, 0, mode), stream, bytes.Length));
    }

    public void Symlink(string path, string target) =>
        Parent(path).ReplaceFile(System.IO.Path.GetFileName(path), Repository.WriteContent(FileHeader.ForSymlink(0, 0, target), null, 0));

    public string? Text(string path)
    {
        if (Root.FindFile(path) is not { } checksum)
        {
            return null;
        }

        using var content = Repository.Objects.OpenContent(checksum);
        using var reader = new StreamReader(content.Content, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    public FileHeader? Header(string path) => Root.FindFile(path) is { } c ? Repository.Objects.ReadContentHeader(c) : null;

    /// <summary>Commits the tree (or <paramref name="root"/>) and checks it out with <c>ostree checkout -U</c> into a new directory.</summary>
    public (Checksum Commit, string Directory) CommitAndCheckout(string name, MutableTree? root = null)
    {
        var commit = Repository.CommitTree(root ?? Root, new CommitOptions { Branch = "test/" + name, Timestamp = DateTimeOffset.UnixEpoch, Subject = name });
        string dir = _temp.Combine(name);
        ExternalTool.Run("ostree", ["checkout", "-U", "--repo=" + RepositoryPath, commit.ToString(), dir]).EnsureSuccess("ostree checkout");
        return (commit, dir);
    }

    public void Dispose() => _temp.Dispose();

    private MutableTree Parent(string path)
    {
        var dir = Root.EnsureDirectory(System.IO.Path.GetDirectoryName(path) ?? string.Empty);
        return dir;
    }
}
