using System.Text;
using AptOstree.OSTree;
using AptOstree.Posix;

namespace AptOstree.Compose;

/// <summary>
/// The treefile's <c>mutate-os-release</c> as rpm-ostree applies it: in the file <c>/etc/os-release</c> resolves to
/// (Debian: <c>/usr/lib/os-release</c>), every occurrence of the base version (the field's value, e.g. <c>12</c>) in
/// <c>VERSION=</c> and <c>PRETTY_NAME=</c> becomes the commit version, and <c>OSTREE_VERSION=</c> (shell-quoted) is
/// appended; blank lines are dropped and <c>VERSION_ID</c> stays. Without a commit version nothing changes.
/// </summary>
internal static class OsReleaseMutation
{
    /// <summary>Rewrites the tree's os-release; false when there is no commit version (nothing to write).</summary>
    /// <exception cref="AptOstreeException">The tree has no os-release (<see cref="ComposeErrorCodes.PostprocessFailed"/>).</exception>
    public static bool Apply(OstreeRepository repository, MutableTree root, string baseVersion, string? version)
    {
        ArgumentNullException.ThrowIfNull(repository);
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(baseVersion);
        if (string.IsNullOrEmpty(version))
        {
            return false;
        }

        var target = TreePaths.Resolve(repository, root, "etc/os-release", followLast: true, create: false);
        if (target is not { } t || !t.Parent.Files.TryGetValue(t.Name, out var checksum) || !repository.Objects.ReadContentHeader(checksum).IsRegularFile)
        {
            throw new AptOstreeException(ComposeErrorCodes.PostprocessFailed, "mutate-os-release: the tree has no /etc/os-release (nor the file it links to); is base-files installed?");
        }

        string contents;
        using (var content = repository.Objects.OpenContent(checksum))
        using (var reader = new StreamReader(content.Content, Encoding.UTF8))
        {
            contents = reader.ReadToEnd();
        }

        byte[] bytes = Encoding.UTF8.GetBytes(Mutate(contents, baseVersion, version));
        using var stream = new MemoryStream(bytes, writable: false);
        t.Parent.SetFile(t.Name, repository.WriteContent(FileHeader.ForFile(0, 0, PosixPermissions.File), stream, bytes.Length));
        return true;
    }

    /// <summary>The new os-release text.</summary>
    public static string Mutate(string contents, string baseVersion, string version)
    {
        var text = new StringBuilder();
        foreach (var line in contents.Split('\n'))
        {
            if (line.Length == 0)
            {
                continue;
            }

            text.Append(line.StartsWith("VERSION=", StringComparison.Ordinal) || line.StartsWith("PRETTY_NAME=", StringComparison.Ordinal)
                ? line[..(line.IndexOf('=', StringComparison.Ordinal) + 1)] + line[(line.IndexOf('=', StringComparison.Ordinal) + 1)..].Replace(baseVersion, version, StringComparison.Ordinal)
                : line).Append('\n');
        }

        return text.Append("OSTREE_VERSION=").Append(ShellQuote(version)).Append('\n').ToString();
    }

    // As g_shell_quote: single quotes, an embedded quote as '\''.
    private static string ShellQuote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
