using AptOstree.Posix;
using System.Globalization;

namespace AptOstree.OSTree.Sysroot;

public sealed partial class OstreeSysroot
{
    private const string StagedGroup = "staged-deployment";

    private string StagedStatePath => $"{Root}/run/ostree/aptostree-staged-deployment";

    /// <summary>
    /// Completes a staged deployment (<c>ostree admin finalize-staged</c>): merges the then-current /etc changes of the
    /// merge deployment, installs the kernel and makes it the default with the atomic swap.
    /// </summary>
    /// <returns>The finalized deployment.</returns>
    /// <exception cref="AptOstreeException">Nothing is staged (<see cref="DeploymentErrorCodes.StagingState"/>).</exception>
    public Deployment FinalizeStaged(CancellationToken cancellationToken = default)
    {
        using var sysrootLock = AcquireLock();
        var state = Load();
        var staged = state.Staged ?? throw new AptOstreeException(DeploymentErrorCodes.StagingState, "There is no staged deployment to finalize.");
        var keyFile = KeyFile.Parse(ReadText(StagedStatePath), StagedStatePath);
        string? mergeName = keyFile.GetString(StagedGroup, "merge-deployment");
        var merge = mergeName is null ? null : state.Deployments.FirstOrDefault(d => !d.IsStaged && d.Stateroot == staged.Stateroot && d.Name == mergeName);
        string dir = GetDeploymentDirectory(staged);
        if (merge is not null && _tree.IsDirectory($"{dir}/etc") && _tree.IsDirectory($"{GetDeploymentDirectory(merge)}/usr/etc"))
        {
            var result = EtcMerge.Merge(_fs, $"{GetDeploymentDirectory(merge)}/usr/etc", $"{GetDeploymentDirectory(merge)}/etc", $"{dir}/etc");
            DeploymentLog.EtcMerged(_logger, result.Modified.Count, result.Removed.Count, result.Added.Count);
            _fs.Sync($"{dir}/etc");
        }

        var kernel = BootKernel.Find(_fs, dir);
        InstallKernel(staged.Stateroot, kernel, dir);
        var rest = state with { Deployments = state.Deployments.Where(d => !d.IsStaged).ToList() };
        var list = NewDeploymentList(rest, staged with { IsStaged = false }, merge, new DeployOptions());
        WriteDeploymentsCore(state, list, prune: false, cancellationToken);

        // Only now: a crash before this line leaves a state file that Load ignores because the entry exists.
        DeleteStagedState();
        return Load().Deployments.First(d => d.SameDeploymentAs(staged));
    }

    private void WriteStaged(Deployment deployment, Deployment? merge)
    {
        var file = new KeyFile();
        file.SetString(StagedGroup, "stateroot", deployment.Stateroot);
        file.SetString(StagedGroup, "name", deployment.Name);
        file.SetString(StagedGroup, "bootcsum", deployment.BootChecksum);
        file.SetString(StagedGroup, "kargs", deployment.KernelArguments.ToString());
        foreach (var kv in deployment.BootEntry!.Values)
        {
            file.SetString(StagedGroup, "entry-" + kv.Key, kv.Value);
        }

        if (merge is not null)
        {
            file.SetString(StagedGroup, "merge-deployment", merge.Name);
        }

        foreach (var dir in new[] { $"{Root}/run", $"{Root}/run/ostree" })
        {
            EnsureDirectory(_fs, dir, PosixPermissions.Directory);
        }

        AtomicFile.WriteText(StagedStatePath, file.ToString(), PosixPermissions.File, durable: true, _fs);
    }

    private Deployment? ReadStaged()
    {
        if (!_fs.TryGetStatus(StagedStatePath, out _))
        {
            return null;
        }

        var file = KeyFile.Parse(ReadText(StagedStatePath), StagedStatePath);
        string os = file.GetString(StagedGroup, "stateroot") ?? throw StagedInvalid("stateroot");
        var (commit, serial) = Deployment.ParseName(file.GetString(StagedGroup, "name") ?? throw StagedInvalid("name"));
        string bootcsum = file.GetString(StagedGroup, "bootcsum") ?? throw StagedInvalid("bootcsum");
        string dir = $"{Root}/ostree/deploy/{os}/deploy/{commit}.{serial}";
        if (!_tree.IsDirectory(dir) || IsInBootEntries(os, commit, serial))
        {
            // Stale: the deployment vanished, or finalization committed and was interrupted before removing this file.
            return null;
        }

        var entry = new BootLoaderEntry(file.GetKeys(StagedGroup).Where(k => k.StartsWith("entry-", StringComparison.Ordinal))
            .Select(k => new KeyValuePair<string, string>(k["entry-".Length..], file.GetString(StagedGroup, k)!)));
        return new Deployment
        {
            Index = 0,
            Stateroot = os,
            Commit = commit,
            DeploySerial = serial,
            BootChecksum = bootcsum,
            Origin = ReadOrigin($"{dir}.origin"),
            KernelArguments = KernelArguments.Parse(file.GetString(StagedGroup, "kargs") ?? string.Empty),
            BootEntry = entry,
            IsStaged = true,
        };
    }

    private bool IsInBootEntries(string os, Checksum commit, int serial)
    {
        int bv = ReadBootVersion();
        string entriesDir = $"{Root}/boot/loader.{bv}/entries";
        if (!_tree.IsDirectory(entriesDir))
        {
            return false;
        }

        foreach (var name in _fs.ListDirectory(entriesDir))
        {
            var link = BootLinkOf(BootLoaderEntry.Parse(ReadText($"{entriesDir}/{name}"), name));
            if (link is { } l && l.Stateroot == os
                && _fs.TryGetStatus($"{Root}/ostree/boot.{l.BootVersion}/{os}/{l.BootChecksum}/{l.BootSerial.ToString(CultureInfo.InvariantCulture)}", out var st) && st.IsSymbolicLink
                && _fs.ReadSymbolicLink($"{Root}/ostree/boot.{l.BootVersion}/{os}/{l.BootChecksum}/{l.BootSerial.ToString(CultureInfo.InvariantCulture)}").EndsWith($"/{commit}.{serial}", StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private void DeleteStagedState()
    {
        if (_fs.TryGetStatus(StagedStatePath, out _))
        {
            _fs.Delete(StagedStatePath);
            _fs.Sync($"{Root}/run/ostree");
        }
    }

    private InvalidFormatException StagedInvalid(string key) =>
        new(DeploymentErrorCodes.InvalidKeyFile, $"{StagedStatePath}: [{StagedGroup}] lacks '{key}'.", source: StagedStatePath, location: key);
}
