namespace AptOstree.OSTree.Sysroot;

/// <summary><see cref="ISysrootRepository"/> over the managed <see cref="OstreeRepository"/> (the sysroot's <c>ostree/repo</c>).</summary>
public sealed class OstreeRepositorySysrootRepository : ISysrootRepository
{
    private readonly OstreeRepository _repository;

    /// <summary>Wraps an open repository.</summary>
    public OstreeRepositorySysrootRepository(OstreeRepository repository)
    {
        ArgumentNullException.ThrowIfNull(repository);
        _repository = repository;
    }

    /// <summary>Opens the repository of the sysroot at <paramref name="sysrootPath"/>.</summary>
    public static OstreeRepositorySysrootRepository OpenForSysroot(string sysrootPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(sysrootPath);
        return new OstreeRepositorySysrootRepository(OstreeRepository.Open($"{sysrootPath.TrimEnd('/')}/ostree/repo"));
    }

    /// <summary>The wrapped repository.</summary>
    public OstreeRepository Repository => _repository;

    /// <inheritdoc />
    public string ResolveRevision(string refspec)
    {
        try
        {
            return _repository.ResolveRev(refspec).ToString();
        }
        catch (AptOstreeException ex) when (ex is not PosixException)
        {
            throw new AptOstreeException(DeploymentErrorCodes.UnresolvedRevision, $"Cannot resolve '{refspec}' in {_repository.Path}: {ex.Message}", ex);
        }
    }

    /// <inheritdoc />
    public string? GetCommitVersion(string commit) => _repository.ReadCommit(Checksum.Parse(commit)).Version;

    /// <inheritdoc />
    public void CheckoutForDeployment(string commit, string destination, CancellationToken cancellationToken)
    {
        var mode = _repository.Mode is RepoMode.BareUser or RepoMode.BareUserOnly ? CheckoutMode.User : CheckoutMode.Root;
        _repository.Checkout(Checksum.Parse(commit), destination, new CheckoutOptions { Mode = mode, ProcessPassthroughWhiteouts = true }, cancellationToken: cancellationToken);
    }

    /// <inheritdoc />
    public IReadOnlyDictionary<string, string> ListRefs(string prefix)
    {
        _repository.Refs.RemoveStaleTemporaries();
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, commit) in _repository.Refs.List(prefix + "/"))
        {
            result[name] = commit.ToString();
        }

        return result;
    }

    /// <inheritdoc />
    public void SetRef(string name, string? commit) => _repository.Refs.Set(name, commit is null ? null : Checksum.Parse(commit));

    /// <summary>
    /// Prunes like <c>ostree prune --refs-only --depth=0</c>: keeps every ref's commit, its detached metadata and the
    /// trees, metadata and files it reaches; deletes other loose commits, dirtrees, dirmetas and files.
    /// </summary>
    public int Prune(CancellationToken cancellationToken)
    {
        var keep = new HashSet<ObjectName>();
        foreach (var commit in _repository.Refs.List().Values.Distinct())
        {
            if (!_repository.Objects.Contains(commit, ObjectType.Commit))
            {
                continue;
            }

            keep.Add(new ObjectName(commit, ObjectType.Commit));
            keep.Add(new ObjectName(commit, ObjectType.CommitMeta));
            var c = _repository.ReadCommit(commit);
            keep.Add(new ObjectName(c.RootMeta, ObjectType.DirMeta));
            MarkTree(c.RootTree, keep, cancellationToken);
        }

        int removed = 0;
        foreach (var name in _repository.Objects.Enumerate().ToList())
        {
            if (name.Type is ObjectType.File or ObjectType.DirTree or ObjectType.DirMeta or ObjectType.Commit or ObjectType.CommitMeta && !keep.Contains(name))
            {
                File.Delete(_repository.Objects.GetLoosePath(name.Checksum, name.Type));
                removed++;
            }
        }

        return removed;
    }

    private void MarkTree(Checksum tree, HashSet<ObjectName> keep, CancellationToken cancellationToken)
    {
        if (!keep.Add(new ObjectName(tree, ObjectType.DirTree)))
        {
            return;
        }

        cancellationToken.ThrowIfCancellationRequested();
        var dirTree = _repository.Objects.ReadDirTree(tree);
        foreach (var file in dirTree.Files)
        {
            keep.Add(new ObjectName(file.Checksum, ObjectType.File));
        }

        foreach (var dir in dirTree.Directories)
        {
            keep.Add(new ObjectName(dir.MetaChecksum, ObjectType.DirMeta));
            MarkTree(dir.TreeChecksum, keep, cancellationToken);
        }
    }
}
