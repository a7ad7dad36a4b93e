using AptOstree.Posix;

namespace AptOstree.OSTree.Sysroot;

public sealed partial class OstreeSysroot
{
    private static readonly (string Path, string Target)[] LayoutSymlinks =
    [
        ("home", "var/home"), ("opt", "var/opt"), ("srv", "var/srv"), ("root", "var/roothome"), ("mnt", "var/mnt"),
        ("usr/local", "../var/usrlocal"), ("ostree", "sysroot/ostree"),
    ];

    private static readonly string[] MountPoints = ["boot", "dev", "proc", "run", "sys", "sysroot", "var"];

    /// <summary>
    /// <c>ostree admin deploy REFSPEC</c>: checks the commit out as a new deployment, prepares <c>/etc</c> (copy of
    /// <c>usr/etc</c> plus the three-way merge of the merge deployment's local changes) and <c>/var</c>, installs its
    /// kernel and makes it the default boot entry with one atomic swap. With <see cref="DeployOptions.Stage"/> only the
    /// deployment is prepared; <see cref="FinalizeStaged"/> completes it.
    /// </summary>
    /// <returns>The new deployment as listed afterwards.</returns>
    /// <exception cref="AptOstreeException">Unknown stateroot or revision, no kernel, an undeployable tree or an /etc merge conflict; the boot configuration is then unchanged.</exception>
    public Deployment Deploy(string refspec, DeployOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(refspec);
        Checksum commit;
        try
        {
            commit = Repository.ResolveRev(refspec);
        }
        catch (AptOstreeException ex) when (ex is not PosixException && ex.ErrorCode != DeploymentErrorCodes.NotASysroot)
        {
            throw new AptOstreeException(DeploymentErrorCodes.UnresolvedRevision, $"Cannot resolve '{refspec}' in {Repository.Path}: {ex.Message}", ex);
        }

        return Deploy(commit, DeploymentOrigin.ForRefspec(refspec), options, cancellationToken);
    }

    /// <summary>
    /// Deploys <paramref name="commit"/> of the sysroot repository, which no ref needs to name (a commit that package
    /// layering just wrote, say); otherwise as <see cref="Deploy(string, DeployOptions?, CancellationToken)"/>. The
    /// deployment refs (<c>ostree/BV/SUB/INDEX</c>) keep it from being pruned. Without
    /// <see cref="DeployOptions.Origin"/> the origin names the checksum, as <c>ostree admin deploy CHECKSUM</c> writes it.
    /// </summary>
    /// <returns>The new deployment as listed afterwards.</returns>
    /// <exception cref="AptOstreeException">The commit is not in the repository, or as for the refspec overload.</exception>
    public Deployment Deploy(Checksum commit, DeployOptions? options = null, CancellationToken cancellationToken = default)
    {
        if (!Repository.Objects.Contains(commit, ObjectType.Commit))
        {
            throw new AptOstreeException(DeploymentErrorCodes.UnresolvedRevision, $"Commit {commit} is not in {Repository.Path}.");
        }

        return Deploy(commit, DeploymentOrigin.ForRefspec(commit.ToString()), options, cancellationToken);
    }

    private Deployment Deploy(Checksum commit, DeploymentOrigin defaultOrigin, DeployOptions? options, CancellationToken cancellationToken)
    {
        options ??= new DeployOptions();
        using var sysrootLock = AcquireLock();
        var state = Load();
        if (state.Staged is not null)
        {
            throw new AptOstreeException(DeploymentErrorCodes.StagingState, $"Deployment {state.Staged.Name} is staged; finalize or undeploy it first.");
        }

        string os = ResolveStateroot(state, options.Stateroot);
        var merge = options.NoMerge ? null : state.MergeDeployment(os);
        int serial = state.Deployments.Where(d => d.Stateroot == os && d.Commit == commit).Select(d => d.DeploySerial + 1).DefaultIfEmpty(0).Max();
        var origin = options.Origin ?? defaultOrigin;
        var kargs = options.KernelArguments is { } given ? KernelArguments.From(given) : merge?.KernelArguments ?? KernelArguments.Empty;
        kargs = kargs.Append([.. options.AppendKernelArguments]);
        foreach (var delete in options.DeleteKernelArguments)
        {
            kargs = kargs.Delete(delete);
        }

        var (deployment, kernel) = CreateDeploymentTree(os, commit, serial, origin, kargs, options.Stage ? null : merge, options.CreateFilesystemLayout, cancellationToken);
        if (options.Stage)
        {
            WriteStaged(deployment, merge);
            DeploymentLog.Staged(_logger, deployment.Name);
            return Load().Deployments[0];
        }

        InstallKernel(os, kernel, GetDeploymentDirectory(deployment));
        var list = NewDeploymentList(state, deployment, merge, options);
        WriteDeploymentsCore(state, list, prune: !options.NoPrune, cancellationToken);
        return Load().Deployments.First(d => d.SameDeploymentAs(deployment));
    }

    private string ResolveStateroot(SysrootState state, string? requested)
    {
        string os = requested ?? state.Booted?.Stateroot ?? (state.Deployments.Count > 0 ? state.Deployments[0].Stateroot : null)
            ?? (GetStateroots() is [var only] ? only : throw new AptOstreeException(DeploymentErrorCodes.UnknownStateroot, "No stateroot given and the sysroot does not have exactly one; pass --os."));
        ValidateName(os, "stateroot");
        if (!_tree.IsDirectory($"{Root}/ostree/deploy/{os}"))
        {
            throw new AptOstreeException(DeploymentErrorCodes.UnknownStateroot, $"Stateroot '{os}' does not exist in '{Path}'; run os-init first.");
        }

        return os;
    }

    private (Deployment Deployment, BootKernel Kernel) CreateDeploymentTree(string os, Checksum commit, int serial, DeploymentOrigin origin, KernelArguments kargs, Deployment? merge, bool layout, CancellationToken cancellationToken)
    {
        string osDir = $"{Root}/ostree/deploy/{os}";
        string deployParent = $"{osDir}/deploy";
        EnsureDirectory(_fs, deployParent, PosixPermissions.Directory);
        EnsureDirectory(_fs, $"{osDir}/backing", PosixPermissions.OwnerOnlyDirectory);
        string dir = $"{deployParent}/{commit}.{serial}";
        DeploymentLog.Deploying(_logger, commit, os, dir);
        _tree.DeleteRecursive(dir);
        _tree.DeleteRecursive($"{dir}.origin");
        CheckOut(commit, dir, cancellationToken);

        var kernel = BootKernel.Find(_fs, dir);
        PrepareEtc(dir, commit);
        var osRelease = OsRelease.Read(_fs, dir);
        if (!osRelease.ContainsKey("PRETTY_NAME") && !osRelease.ContainsKey("ID"))
        {
            throw new AptOstreeException(DeploymentErrorCodes.TreeNotDeployable, $"Commit {commit} has no usr/lib/os-release or etc/os-release (from usr/etc) with PRETTY_NAME or ID.");
        }

        PrepareVar(osDir, dir);
        if (layout)
        {
            CreateFilesystemLayout(dir);
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (merge is not null && _tree.IsDirectory($"{dir}/etc"))
        {
            string mergeDir = GetDeploymentDirectory(merge);
            if (_tree.IsDirectory($"{mergeDir}/usr/etc") && _tree.IsDirectory($"{mergeDir}/etc"))
            {
                var result = EtcMerge.Merge(_fs, $"{mergeDir}/usr/etc", $"{mergeDir}/etc", $"{dir}/etc");
                DeploymentLog.EtcMerged(_logger, result.Modified.Count, result.Removed.Count, result.Added.Count);
                foreach (var ignored in result.IgnoredSpecialFiles)
                {
                    DeploymentLog.IgnoringSpecialFile(_logger, ignored);
                }
            }
        }

        foreach (var stamp in new[] { $"{dir}/etc/.updated", $"{dir}/var/.updated" })
        {
            if (_fs.TryGetStatus(stamp, out _))
            {
                _fs.Delete(stamp);
            }
        }

        if (_tree.IsDirectory($"{dir}/etc"))
        {
            _fs.Sync($"{dir}/etc");
        }

        _fs.Sync(dir);
        AtomicFile.WriteText($"{dir}.origin", origin.ToString(), PosixPermissions.File, durable: true, _fs);
        var entry = new BootLoaderEntry(KernelEntryValues(os, kernel));
        var deployment = new Deployment
        {
            Index = 0,
            Stateroot = os,
            Commit = commit,
            DeploySerial = serial,
            BootChecksum = kernel.BootChecksum,
            Origin = origin,
            KernelArguments = kargs,
            BootEntry = entry,
        };
        return (deployment, kernel);
    }

    /// <summary>
    /// Checks the commit out with hard links where the repository mode allows (user mode for bare-user repositories),
    /// processing passthrough whiteouts, as <c>ostree admin deploy</c> does.
    /// </summary>
    private void CheckOut(Checksum commit, string destination, CancellationToken cancellationToken)
    {
        var mode = Repository.Mode is RepoMode.BareUser or RepoMode.BareUserOnly ? CheckoutMode.User : CheckoutMode.Root;
        Repository.Checkout(commit, destination, new CheckoutOptions { Mode = mode, ProcessPassthroughWhiteouts = true }, cancellationToken: cancellationToken);
    }

    private static IEnumerable<KeyValuePair<string, string>> KernelEntryValues(string os, BootKernel kernel)
    {
        string bootDir = $"/ostree/{os}-{kernel.BootChecksum}";
        yield return new("linux", $"{bootDir}/{kernel.KernelFileName}");
        if (kernel.InitramfsPath is not null)
        {
            yield return new("initrd", $"{bootDir}/{kernel.InitramfsFileName}");
        }

        if (kernel.DevicetreePath is not null)
        {
            yield return new("devicetree", $"{bootDir}/{kernel.DevicetreeFileName}");
        }
    }

    private void PrepareEtc(string dir, Checksum commit)
    {
        string etc = $"{dir}/etc";
        string usrEtc = $"{dir}/usr/etc";
        bool etcExists = _tree.IsDirectory(etc);
        bool etcPopulated = etcExists && _fs.ListDirectory(etc).Count > 0;
        if (_tree.IsDirectory(usrEtc))
        {
            if (etcPopulated)
            {
                throw new AptOstreeException(DeploymentErrorCodes.TreeNotDeployable, $"Tree {commit} contains both /etc and /usr/etc.");
            }

            if (etcExists)
            {
                _fs.Delete(etc);
            }
        }
        else if (etcPopulated)
        {
            _fs.Rename(etc, usrEtc);
        }
        else if (etcExists)
        {
            _fs.Delete(etc);
        }

        if (_tree.IsDirectory(usrEtc))
        {
            _tree.CopyRecursive(usrEtc, etc, durable: true);
        }
    }

    private void PrepareVar(string osDir, string dir)
    {
        string var = $"{osDir}/var";
        EnsureDirectory(_fs, var, PosixPermissions.Directory);
        if (_fs.ListDirectory(var).Count == 0)
        {
            string treeVar = $"{dir}/var";
            if (_tree.IsDirectory(treeVar) && _fs.ListDirectory(treeVar).Count > 0)
            {
                // The commit's /var seeds an empty stateroot /var once; it is never overwritten afterwards.
                foreach (var name in _fs.ListDirectory(treeVar))
                {
                    _tree.CopyRecursive($"{treeVar}/{name}", $"{var}/{name}", durable: true);
                }
            }
            else
            {
                foreach (var (name, mode) in new (string, uint)[] { ("lib", PosixPermissions.Directory), ("log", PosixPermissions.Directory), ("tmp", PosixPermissions.StickyWorldWritable), ("home", PosixPermissions.Directory), ("opt", PosixPermissions.Directory), ("srv", PosixPermissions.Directory), ("roothome", PosixPermissions.OwnerOnlyDirectory), ("mnt", PosixPermissions.Directory), ("usrlocal", PosixPermissions.Directory) })
                {
                    EnsureDirectory(_fs, $"{var}/{name}", mode);
                }

                _fs.CreateSymbolicLink("../run", $"{var}/run");
                _fs.CreateSymbolicLink("../run/lock", $"{var}/lock");
            }

            _fs.Sync(var);
        }
    }

    private void CreateFilesystemLayout(string dir)
    {
        foreach (var name in MountPoints)
        {
            if (!_fs.TryGetStatus($"{dir}/{name}", out _))
            {
                _fs.CreateDirectory($"{dir}/{name}", PosixPermissions.Directory);
                _fs.SetPermissions($"{dir}/{name}", PosixPermissions.Directory);
            }
        }

        foreach (var (path, target) in LayoutSymlinks)
        {
            string full = $"{dir}/{path}";
            string parent = full[..full.LastIndexOf('/')];
            if (_tree.IsDirectory(parent) && !_fs.TryGetStatus(full, out _))
            {
                _fs.CreateSymbolicLink(target, full);
            }
        }

        if (!_fs.TryGetStatus($"{dir}/tmp", out _))
        {
            _fs.CreateDirectory($"{dir}/tmp", PosixPermissions.StickyWorldWritable);
            _fs.SetPermissions($"{dir}/tmp", PosixPermissions.StickyWorldWritable);
        }
    }

    private static List<Deployment> NewDeploymentList(SysrootState state, Deployment added, Deployment? merge, DeployOptions options)
    {
        var booted = state.Booted;
        var result = new List<Deployment>();
        bool placed = false;
        if (!options.NotAsDefault)
        {
            result.Add(added);
            placed = true;
        }

        foreach (var d in state.Deployments.Where(d => !d.IsStaged))
        {
            bool isMergeOrBooted = (booted is not null && d.SameDeploymentAs(booted)) || (merge is not null && d.SameDeploymentAs(merge));
            if (options.Retain || d.IsPinned || d.Stateroot != added.Stateroot || isMergeOrBooted)
            {
                result.Add(d);
            }

            if (!placed && isMergeOrBooted)
            {
                result.Add(added);
                placed = true;
            }
        }

        if (!placed)
        {
            result.Add(added);
        }

        return result;
    }
}
