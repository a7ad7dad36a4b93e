using AptOstree.OSTree;

namespace AptOstree.Compose;

/// <summary>Tree edits the compose steps share.</summary>
internal static class MutableTreeExtensions
{
    /// <summary>
    /// Puts <paramref name="content"/> at <paramref name="name"/>, replacing a file or a whole directory of that name
    /// (dpkg's rule when a package turns a directory into a file; the assembler has already decided the owner).
    /// </summary>
    public static void SetFile(this MutableTree tree, string name, Checksum content)
    {
        if (tree.Directories.ContainsKey(name))
        {
            tree.Remove(name);
        }

        tree.ReplaceFile(name, content);
    }
}
