using AptOstree.OSTree;

namespace AptOstree.Compose;

/// <summary>The union of package commits: the tree, who owns each path, and the package-state files.</summary>
public sealed class AssembledTree
{
    internal AssembledTree(MutableTree root, IReadOnlyDictionary<string, string> owners, IReadOnlyList<string> tmpfilesLines, IReadOnlyList<ImportedPackage> packages)
    {
        Root = root;
        Owners = owners;
        TmpfilesLines = tmpfilesLines;
        Packages = packages;
    }

    /// <summary>The tree (modifiable: configuration and post-processing change it).</summary>
    public MutableTree Root { get; }

    /// <summary>The package that shipped each file or symlink (relative path → package name).</summary>
    public IReadOnlyDictionary<string, string> Owners { get; }

    /// <summary>The tmpfiles.d lines of every package's <c>/var</c> content, in package order.</summary>
    public IReadOnlyList<string> TmpfilesLines { get; }

    /// <summary>The packages, in install order.</summary>
    public IReadOnlyList<ImportedPackage> Packages { get; }
}
