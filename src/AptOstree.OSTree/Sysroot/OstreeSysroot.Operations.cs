using AptOstree.Posix;

namespace AptOstree.OSTree.Sysroot;

public sealed partial class OstreeSysroot
{
    /// <summary>
    /// Makes the rollback deployment the default (rpm-ostree semantics): when the booted deployment (or, offline,
    /// the first one) is the default, the second deployment moves to the front; otherwise the booted one does.
    /// </summary>
    /// <returns>The new default deployment.</returns>
    /// <exception cref="AptOstreeException">There is no deployment to roll back to.</exception>
    public Deployment Rollback(CancellationToken cancellationToken = default)
    {
        using var sysrootLock = AcquireLock();
        var state = Load();
        var list = state.Deployments.Where(d => !d.IsStaged).ToList();
        if (list.Count < 2)
        {
            throw new AptOstreeException(DeploymentErrorCodes.NoSuchDeployment, "There is no rollback deployment (fewer than two deployments).");
        }

        var booted = list.Find(d => d.IsBooted);
        var target = booted is null || booted.SameDeploymentAs(list[0]) ? list[1] : booted;
        list.RemoveAll(d => d.SameDeploymentAs(target));
        list.Insert(0, target);
        WriteDeploymentsCore(state, list, prune: false, cancellationToken);
        return Load().Deployments.First(d => d.SameDeploymentAs(target));
    }

    /// <summary>
    /// <c>ostree admin undeploy INDEX</c>: removes a deployment (never the booted one) and cleans up, pruning the
    /// repository as ostree's does.
    /// </summary>
    public void Undeploy(int index, CancellationToken cancellationToken = default)
    {
        using var sysrootLock = AcquireLock();
        var state = Load();
        var target = FindDeployment(state, index);
        if (target.IsBooted)
        {
            throw new AptOstreeException(DeploymentErrorCodes.BootedDeploymentProtected, $"Cannot undeploy the booted deployment {target.Name}.");
        }

        if (target.IsStaged)
        {
            DeleteStagedState();
        }

        var list = state.Deployments.Where(d => !d.IsStaged && !d.SameDeploymentAs(target)).ToList();
        WriteDeploymentsCore(state, list, prune: true, cancellationToken);
    }

    /// <summary><c>ostree admin pin INDEX</c> / <c>--unpin</c>: pinned deployments are kept by deploy and cleanup.</summary>
    public Deployment SetPinned(int index, bool pinned)
    {
        using var sysrootLock = AcquireLock();
        var state = Load();
        var target = FindDeployment(state, index);
        if (target.IsStaged)
        {
            throw new AptOstreeException(DeploymentErrorCodes.StagingState, "Cannot pin a staged deployment.");
        }

        var origin = (target.Origin ?? DeploymentOrigin.Parse(string.Empty)).WithPinned(pinned);
        WriteOrigin(target, origin);
        return Load().Deployments[index];
    }

    /// <summary><c>ostree admin set-origin</c>: replaces a deployment's origin file (atomically).</summary>
    public Deployment SetOrigin(int index, DeploymentOrigin origin)
    {
        ArgumentNullException.ThrowIfNull(origin);
        using var sysrootLock = AcquireLock();
        var state = Load();
        var target = FindDeployment(state, index);
        WriteOrigin(target, origin);
        return Load().Deployments[index];
    }

    /// <summary>Sets the kernel arguments of one deployment (written with a new boot configuration).</summary>
    public Deployment SetKernelArguments(int index, KernelArguments arguments, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        using var sysrootLock = AcquireLock();
        var state = Load();
        var target = FindDeployment(state, index);
        if (target.IsStaged)
        {
            throw new AptOstreeException(DeploymentErrorCodes.StagingState, "Change the kernel arguments of a staged deployment by staging it again.");
        }

        var list = state.Deployments.Where(d => !d.IsStaged).Select(d => d.SameDeploymentAs(target) ? d with { KernelArguments = StripOstreeArguments(arguments) } : d).ToList();
        WriteDeploymentsCore(state, list, prune: false, cancellationToken);
        return Load().Deployments.First(d => d.SameDeploymentAs(target));
    }

    /// <summary><c>ostree admin kargs edit-in-place</c>: applies <paramref name="edit"/> to every deployment's kernel arguments.</summary>
    public void EditKernelArgumentsInPlace(Func<KernelArguments, KernelArguments> edit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(edit);
        using var sysrootLock = AcquireLock();
        var state = Load();
        var list = state.Deployments.Where(d => !d.IsStaged).Select(d => d with { KernelArguments = StripOstreeArguments(edit(d.KernelArguments)) }).ToList();
        WriteDeploymentsCore(state, list, prune: false, cancellationToken);
    }

    private void WriteOrigin(Deployment target, DeploymentOrigin origin) =>
        AtomicFile.WriteText($"{GetDeploymentDirectory(target)}.origin", origin.ToString(), PosixPermissions.File, durable: true, _fs);
}
