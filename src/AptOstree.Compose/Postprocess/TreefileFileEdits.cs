using AptOstree.OSTree;
using AptOstree.Posix;

namespace AptOstree.Compose;

/// <summary>
/// The treefile's <c>remove-files</c> and <c>add-files</c> as rpm-ostree applies them, on the configured tree before
/// <c>/etc</c> moves to <c>/usr/etc</c> (so <c>etc/…</c> paths name the tree's <c>/etc</c>, as rpm-ostree's temporary
/// <c>/etc</c> makes them): removals first (a directory with everything below it; a missing path is no error; a
/// symlink itself, not its target), then each added file copied with its mode, owned by root, parent directories
/// created 0755. Paths go through the tree's symlinks (<c>/bin/x</c> lands in <c>/usr/bin/x</c>).
/// </summary>
internal static class TreefileFileEdits
{
    /// <summary>Deletes each <c>remove-files</c> path.</summary>
    /// <returns>The paths that existed and were removed.</returns>
    /// <exception cref="AptOstreeException">A path contains <c>..</c> (<see cref="ComposeErrorCodes.InvalidTreefile"/>).</exception>
    public static IReadOnlyList<string> RemoveFiles(OstreeRepository repository, MutableTree root, IReadOnlyList<string> paths, string? treefileName = null)
    {
        ArgumentNullException.ThrowIfNull(repository);
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(paths);
        var removed = new List<string>();
        foreach (var path in paths)
        {
            if (path.Split('/').Contains("..") || path.Trim('/').Length == 0)
            {
                throw new AptOstreeException(ComposeErrorCodes.InvalidTreefile, $"{treefileName ?? "treefile"}: field 'remove-files': '{path}' must name a path inside the tree (no '..').");
            }

            if (TreePaths.Resolve(repository, root, path, followLast: false, create: false) is { } r && r.Parent.Remove(r.Name))
            {
                removed.Add(r.Path);
            }
        }

        return removed;
    }

    /// <summary>Copies each <c>add-files</c> source into the tree.</summary>
    /// <exception cref="AptOstreeException">A source is missing or not a regular file, or the destination is a directory (<see cref="ComposeErrorCodes.InvalidTreefile"/>).</exception>
    public static void AddFiles(OstreeRepository repository, MutableTree root, IReadOnlyList<TreefileAddFile> files, string? treefileName = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(repository);
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(files);
        string where = treefileName ?? "treefile";
        foreach (var file in files)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var info = new FileInfo(file.Source);
            if (!info.Exists || (info.LinkTarget is not null && info.ResolveLinkTarget(returnFinalTarget: true) is not FileInfo { Exists: true }))
            {
                throw new AptOstreeException(ComposeErrorCodes.InvalidTreefile, $"{where}: field 'add-files': source '{file.Source}' does not exist or is not a regular file.");
            }

            if (TreePaths.Resolve(repository, root, file.Destination, followLast: false, create: true) is not { } r || r.Parent.Directories.ContainsKey(r.Name))
            {
                throw new AptOstreeException(ComposeErrorCodes.InvalidTreefile, $"{where}: field 'add-files': destination '{file.Destination}' is a directory of the tree or lies below a file.");
            }

            uint mode = OperatingSystem.IsWindows() ? PosixPermissions.File : (uint)File.GetUnixFileMode(file.Source);
            using var stream = new FileStream(file.Source, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            r.Parent.SetFile(r.Name, repository.WriteContent(FileHeader.ForFile(0, 0, mode), stream, stream.Length));
        }
    }
}
