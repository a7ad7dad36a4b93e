namespace AptOstree.OSTree.Sysroot;

/// <summary>
/// What the deployment manager needs from the sysroot's OSTree repository (<c>ostree/repo</c>): resolve a refspec,
/// read a commit's version, hardlink-check a commit out, and maintain the deployment refs that keep deployed
/// commits from being pruned.
/// </summary>
public interface ISysrootRepository
{
    /// <summary>Resolves a refspec (<c>remote:branch</c>, <c>branch</c>) or a full checksum to a commit checksum.</summary>
    /// <exception cref="AptOstreeException">The revision does not exist.</exception>
    string ResolveRevision(string refspec);

    /// <summary>The commit's <c>version</c> metadata string, or null.</summary>
    string? GetCommitVersion(string commit);

    /// <summary>
    /// Checks the commit out into <paramref name="destination"/> (which must not exist) with hard links where the
    /// repository mode allows, processing passthrough whiteouts as <c>ostree admin deploy</c> does.
    /// </summary>
    void CheckoutForDeployment(string commit, string destination, CancellationToken cancellationToken);

    /// <summary>Refs under <paramref name="prefix"/> (e.g. <c>ostree</c>) mapped to their checksums.</summary>
    IReadOnlyDictionary<string, string> ListRefs(string prefix);

    /// <summary>Creates, moves (<paramref name="commit"/> set) or deletes (null) a local ref.</summary>
    void SetRef(string name, string? commit);

    /// <summary>Deletes objects no ref reaches; returns how many objects were removed.</summary>
    int Prune(CancellationToken cancellationToken);
}
