using AptOstree.Posix;

namespace AptOstree.OSTree.Sysroot;

public sealed partial class OstreeSysroot
{
    /// <summary>
    /// Makes <paramref name="deployments"/> the boot configuration, in that order (index 0 = default), with the
    /// atomic swap of <c>boot/loader</c> (or of <c>ostree/boot.N</c> when every boot entry stays the same), then
    /// removes what no deployment references. Each deployment must already exist on disk.
    /// </summary>
    public void WriteDeployments(IReadOnlyList<Deployment> deployments, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(deployments);
        using var sysrootLock = AcquireLock();
        var state = Load();
        WriteDeploymentsCore(state, deployments.Where(d => !d.IsStaged).ToList(), prune: false, cancellationToken);
    }

    private void WriteDeploymentsCore(SysrootState current, IReadOnlyList<Deployment> list, bool prune, CancellationToken cancellationToken)
    {
        RemoveStaleTemporaries();
        var assigned = AssignBootSerials(list);
        foreach (var d in assigned)
        {
            EnsureKernelInstalled(d);
        }

        cancellationToken.ThrowIfCancellationRequested();
        var sameVersionEntries = BuildEntries(assigned, current.BootVersion);
        if (assigned.Count > 0 && EntriesOnDiskEqual(current.BootVersion, sameVersionEntries))
        {
            // Same boot entries: only the deployment symlink farm changes (sub-bootversion swap).
            int newSub = 1 - current.SubBootVersion;
            BuildBootLinks(current.BootVersion, newSub, assigned);
            SwapSymlink($"{Root}/ostree", $"boot.{current.BootVersion}", $"boot.{current.BootVersion}.{newSub}");
            DeploymentLog.BootVersionSwapped(_logger, current.BootVersion, newSub, assigned.Count);
        }
        else
        {
            int newBv = 1 - current.BootVersion;
            var entries = BuildEntries(assigned, newBv);
            string loaderDir = $"{Root}/boot/loader.{newBv}";
            _tree.DeleteRecursive(loaderDir);
            _fs.CreateDirectory(loaderDir, PosixPermissions.Directory);
            _fs.CreateDirectory($"{loaderDir}/entries", PosixPermissions.Directory);
            foreach (var (name, text) in entries)
            {
                cancellationToken.ThrowIfCancellationRequested();
                AtomicFile.WriteText($"{loaderDir}/entries/{name}", text, PosixPermissions.File, durable: true, _fs);
            }

            if (GrubBootConfig.IsEnabled(_fs, Root))
            {
                AtomicFile.WriteText($"{loaderDir}/{GrubBootConfig.FileName}", GrubBootConfig.Render(entries.Select(e => BootLoaderEntry.Parse(e.Text))), PosixPermissions.File, durable: true, _fs);
            }

            _fs.Sync($"{loaderDir}/entries");
            _fs.Sync(loaderDir);
            int newSub = 1 - ReadSubBootVersionLenient(newBv);
            BuildBootLinks(newBv, newSub, assigned);
            SwapSymlink($"{Root}/ostree", $"boot.{newBv}", $"boot.{newBv}.{newSub}");
            if (!_fs.TryGetStatus($"{Root}/boot/boot", out _))
            {
                _fs.CreateSymbolicLink(".", $"{Root}/boot/boot");
            }

            // The single commit point: boot/loader now names the complete new configuration.
            SwapSymlink($"{Root}/boot", "loader", $"loader.{newBv}");
            DeploymentLog.BootVersionSwapped(_logger, newBv, newSub, assigned.Count);
        }

        TouchDeployDirectory();
        CleanupCore(prune, cancellationToken);
    }

    private static List<Deployment> AssignBootSerials(IReadOnlyList<Deployment> list)
    {
        var counters = new Dictionary<(string, string), int>();
        var result = new List<Deployment>(list.Count);
        for (int i = 0; i < list.Count; i++)
        {
            var d = list[i];
            var key = (d.Stateroot, d.BootChecksum);
            counters.TryGetValue(key, out int serial);
            counters[key] = serial + 1;
            result.Add(d with { Index = i, BootSerial = serial, IsStaged = false });
        }

        return result;
    }

    private List<(string Name, string Text)> BuildEntries(List<Deployment> list, int bootVersion)
    {
        bool multipleStateroots = list.Select(d => d.Stateroot).Distinct(StringComparer.Ordinal).Count() > 1;
        var result = new List<(string, string)>(list.Count);
        for (int i = 0; i < list.Count; i++)
        {
            var d = list[i];
            string bootLink = $"/ostree/boot.{bootVersion}/{d.Stateroot}/{d.BootChecksum}/{d.BootSerial}";
            var template = d.BootEntry ?? throw new AptOstreeException(DeploymentErrorCodes.InvalidBootConfiguration, $"Deployment {d.Name} has no kernel information.");
            var kargs = StripOstreeArguments(d.KernelArguments);
            if (template.Initrd is null)
            {
                kargs = kargs.Append($"init={bootLink}/usr/lib/ostree/ostree-prepare-root");
            }

            kargs = kargs.Append($"ostree={bootLink}");
            var values = new List<KeyValuePair<string, string>>
            {
                new("title", Title(d, i, multipleStateroots)),
                new("version", (list.Count - i).ToString(System.Globalization.CultureInfo.InvariantCulture)),
                new("options", kargs.ToString()),
            };
            values.AddRange(template.Values.Where(kv => kv.Key is not ("title" or "version" or "options")));
            result.Add(($"ostree-{list.Count - i}-{d.Stateroot}.conf", new BootLoaderEntry(values).ToString()));
        }

        return result;
    }

    private string Title(Deployment d, int index, bool multipleStateroots)
    {
        var osRelease = OsRelease.Read(_fs, GetDeploymentDirectory(d));
        string title = osRelease.GetValueOrDefault("PRETTY_NAME") ?? osRelease.GetValueOrDefault("ID") ?? d.Stateroot;
        string? version = Repository.ReadCommit(d.Commit).Version;
        if (!string.IsNullOrEmpty(version) && !title.Contains(version, StringComparison.Ordinal))
        {
            title = $"{title} {version}";
        }

        return multipleStateroots ? $"{title} (ostree:{d.Stateroot}:{index})" : $"{title} (ostree:{index})";
    }

    private bool EntriesOnDiskEqual(int bootVersion, List<(string Name, string Text)> entries)
    {
        string dir = $"{Root}/boot/loader.{bootVersion}/entries";
        if (!_tree.IsDirectory(dir))
        {
            return false;
        }

        var onDisk = _fs.ListDirectory(dir).Where(n => n.StartsWith("ostree-", StringComparison.Ordinal) && n.EndsWith(".conf", StringComparison.Ordinal)).ToHashSet(StringComparer.Ordinal);
        return onDisk.Count == entries.Count && entries.All(e => onDisk.Contains(e.Name) && ReadText($"{dir}/{e.Name}") == e.Text);
    }

    private int ReadSubBootVersionLenient(int bootVersion)
    {
        try
        {
            return ReadSubBootVersion(bootVersion);
        }
        catch (AptOstreeException)
        {
            // Garbage from an interrupted run: this bootversion is not current, so it is safe to drop.
            _tree.DeleteRecursive($"{Root}/ostree/boot.{bootVersion}");
            return 0;
        }
    }

    private void BuildBootLinks(int bootVersion, int subBootVersion, IReadOnlyList<Deployment> list)
    {
        string farm = $"{Root}/ostree/boot.{bootVersion}.{subBootVersion}";
        _tree.DeleteRecursive(farm);
        _fs.CreateDirectory(farm, PosixPermissions.Directory);
        var created = new HashSet<string>(StringComparer.Ordinal) { farm };
        foreach (var d in list)
        {
            string osDir = $"{farm}/{d.Stateroot}";
            string csumDir = $"{osDir}/{d.BootChecksum}";
            foreach (var dir in new[] { osDir, csumDir })
            {
                if (created.Add(dir))
                {
                    _fs.CreateDirectory(dir, PosixPermissions.Directory);
                }
            }

            _fs.CreateSymbolicLink($"../../../deploy/{d.Stateroot}/deploy/{d.Name}", $"{csumDir}/{d.BootSerial}");
        }

        foreach (var dir in created.OrderByDescending(d => d.Length))
        {
            _fs.Sync(dir);
        }
    }

    /// <summary>Atomically points <c>dir/name</c> at <paramref name="target"/> (symlink to a temp name, then rename).</summary>
    private void SwapSymlink(string dir, string name, string target)
    {
        string temp = $"{dir}/{name}.tmp";
        if (_fs.TryGetStatus(temp, out _))
        {
            _tree.DeleteRecursive(temp);
        }

        _fs.CreateSymbolicLink(target, temp);
        _fs.Sync(dir);
        _fs.Rename(temp, $"{dir}/{name}");
        _fs.Sync(dir);
    }

    private void EnsureKernelInstalled(Deployment d)
    {
        string target = $"{Root}/boot/ostree/{d.Stateroot}-{d.BootChecksum}";
        if (_tree.IsDirectory(target))
        {
            return;
        }

        var kernel = BootKernel.Find(_fs, GetDeploymentDirectory(d));
        if (kernel.BootChecksum != d.BootChecksum)
        {
            throw new AptOstreeException(DeploymentErrorCodes.InvalidBootConfiguration, $"Deployment {d.Name}: kernel checksum {kernel.BootChecksum} differs from its boot entry's {d.BootChecksum}.");
        }

        InstallKernel(d.Stateroot, kernel, GetDeploymentDirectory(d));
    }

    private void InstallKernel(string stateroot, BootKernel kernel, string treeRoot)
    {
        string bootOstree = $"{Root}/boot/ostree";
        string target = $"{bootOstree}/{stateroot}-{kernel.BootChecksum}";
        if (_tree.IsDirectory(target))
        {
            return;
        }

        if (!_fs.TryGetStatus(bootOstree, out _))
        {
            _fs.CreateDirectory(bootOstree, PosixPermissions.Directory);
        }

        string temp = $"{bootOstree}/.tmp-{stateroot}-{kernel.BootChecksum}";
        _tree.DeleteRecursive(temp);
        _fs.CreateDirectory(temp, PosixPermissions.Directory);
        foreach (var (source, name) in new[] { (kernel.KernelPath, kernel.KernelFileName), (kernel.InitramfsPath, kernel.InitramfsFileName), (kernel.DevicetreePath, kernel.DevicetreeFileName) })
        {
            if (source is null)
            {
                continue;
            }

            string from = $"{treeRoot}/{source}";
            string to = $"{temp}/{name}";
            try
            {
                _fs.CreateHardLink(from, to);
            }
            catch (PosixException ex) when (ex.Errno is PosixErrno.EXDEV or PosixErrno.EPERM or PosixErrno.EMLINK)
            {
                _tree.CopyRecursive(from, to, durable: true);
            }
        }

        _fs.Sync(temp);
        _fs.Rename(temp, target);
        _fs.Sync(bootOstree);
        DeploymentLog.InstalledKernel(_logger, kernel.KernelFileName, target);
    }

    private void TouchDeployDirectory()
    {
        var now = _time.GetUtcNow();
        _fs.SetModificationTime($"{Root}/ostree/deploy", now.ToUnixTimeSeconds(), (uint)(now.Ticks % TimeSpan.TicksPerSecond * 100));
    }

    /// <summary>
    /// <c>ostree admin cleanup</c>: removes the inactive boot configuration, deployment directories and kernels that
    /// no deployment references, leftovers of interrupted runs; regenerates the deployment refs
    /// (<c>ostree/BV/SUB/INDEX</c>) and, when <paramref name="prune"/> is set, prunes the repository.
    /// </summary>
    public void Cleanup(bool prune = true, CancellationToken cancellationToken = default)
    {
        using var sysrootLock = AcquireLock();
        CleanupCore(prune, cancellationToken);
    }

    private void CleanupCore(bool prune, CancellationToken cancellationToken)
    {
        RemoveStaleTemporaries();
        var state = Load();
        int bv = state.BootVersion;
        int other = 1 - bv;
        foreach (var path in new[]
        {
            $"{Root}/boot/loader.{other}", $"{Root}/ostree/boot.{other}", $"{Root}/ostree/boot.{other}.0", $"{Root}/ostree/boot.{other}.1",
            $"{Root}/ostree/boot.{bv}.{1 - state.SubBootVersion}",
        })
        {
            RemoveUnreferenced(path);
        }

        var live = state.Deployments.Select(d => (d.Stateroot, d.Name)).ToHashSet();
        foreach (var os in GetStateroots())
        {
            cancellationToken.ThrowIfCancellationRequested();
            string deployDir = $"{Root}/ostree/deploy/{os}/deploy";
            if (_tree.IsDirectory(deployDir))
            {
                foreach (var name in _fs.ListDirectory(deployDir))
                {
                    string baseName = name.EndsWith(".origin", StringComparison.Ordinal) ? name[..^".origin".Length] : name;
                    if (!live.Contains((os, baseName)))
                    {
                        RemoveUnreferenced($"{deployDir}/{name}");
                    }
                }
            }

            string backing = $"{Root}/ostree/deploy/{os}/backing";
            if (_tree.IsDirectory(backing))
            {
                foreach (var name in _fs.ListDirectory(backing).Where(n => !live.Contains((os, n))))
                {
                    RemoveUnreferenced($"{backing}/{name}");
                }
            }
        }

        string bootOstree = $"{Root}/boot/ostree";
        if (_tree.IsDirectory(bootOstree))
        {
            var kernels = state.Deployments.Select(d => $"{d.Stateroot}-{d.BootChecksum}").ToHashSet(StringComparer.Ordinal);
            foreach (var name in _fs.ListDirectory(bootOstree).Where(n => !kernels.Contains(n)))
            {
                RemoveUnreferenced($"{bootOstree}/{name}");
            }
        }

        UpdateDeploymentRefs(state);
        if (prune)
        {
            PruneRepository(cancellationToken);
        }
    }

    /// <summary>Points <c>ostree/BV/SUB/INDEX</c> at each deployment's commit and deletes the other <c>ostree/</c> refs.</summary>
    private void UpdateDeploymentRefs(SysrootState state)
    {
        var refs = Repository.Refs;
        refs.RemoveStaleTemporaries();
        var wanted = new Dictionary<string, Checksum>(StringComparer.Ordinal);
        for (int i = 0; i < state.Deployments.Count; i++)
        {
            wanted[$"ostree/{state.BootVersion}/{state.SubBootVersion}/{i}"] = state.Deployments[i].Commit;
        }

        var existing = refs.List("ostree/");
        foreach (var (name, commit) in existing)
        {
            if (!wanted.TryGetValue(name, out var c) || c != commit)
            {
                refs.Set(name, null);
            }
        }

        foreach (var (name, commit) in wanted)
        {
            if (!existing.TryGetValue(name, out var c) || c != commit)
            {
                refs.Set(name, commit);
            }
        }
    }

    /// <summary>
    /// libostree's <c>ostree_sysroot_cleanup_prune_repo</c>: prunes with the exclusive repository lock, refs only, depth
    /// 0. Deployed commits are roots through their deployment refs.
    /// </summary>
    private void PruneRepository(CancellationToken cancellationToken)
    {
        new RepositoryPruner(Repository).Prune(new PruneOptions { RefsOnly = true, Depth = 0 }, cancellationToken);
    }

    private void RemoveUnreferenced(string path)
    {
        if (_fs.TryGetStatus(path, out _))
        {
            _tree.DeleteRecursive(path);
            DeploymentLog.RemovedUnreferenced(_logger, path);
        }
    }

    private void RemoveStaleTemporaries()
    {
        foreach (var dir in new[] { $"{Root}/boot", $"{Root}/boot/ostree", $"{Root}/ostree" })
        {
            if (!_tree.IsDirectory(dir))
            {
                continue;
            }

            foreach (var name in _fs.ListDirectory(dir))
            {
                if (name.StartsWith(".tmp-", StringComparison.Ordinal) || name.EndsWith(".tmp", StringComparison.Ordinal))
                {
                    RemoveUnreferenced($"{dir}/{name}");
                }
            }
        }
    }

    // The sysroot lock is an exception to the file-system seam: flock needs a real file descriptor.
    private FileStream AcquireLock()
    {
        string path = $"{Root}/ostree/lock";
        try
        {
            return new FileStream(path, System.IO.FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException ex)
        {
            throw new AptOstreeException(DeploymentErrorCodes.SysrootLocked, $"The sysroot lock '{path}' is held by another process.", ex);
        }
    }
}
