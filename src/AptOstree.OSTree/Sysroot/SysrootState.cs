namespace AptOstree.OSTree.Sysroot;

/// <summary>A snapshot of a sysroot's boot configuration.</summary>
/// <param name="BootVersion">0 or 1: which <c>boot/loader.N</c> is current.</param>
/// <param name="SubBootVersion">0 or 1: which <c>ostree/boot.N.M</c> symlink farm is current.</param>
/// <param name="Deployments">Deployments in boot order (a staged one first).</param>
public sealed record SysrootState(int BootVersion, int SubBootVersion, IReadOnlyList<Deployment> Deployments)
{
    /// <summary>The deployment the running system booted, or null (offline sysroot).</summary>
    public Deployment? Booted => Deployments.FirstOrDefault(d => d.IsBooted);

    /// <summary>The staged deployment, or null.</summary>
    public Deployment? Staged => Deployments.FirstOrDefault(d => d.IsStaged);

    /// <summary>
    /// The deployment whose /etc and kernel arguments a new deployment of <paramref name="stateroot"/> inherits:
    /// the booted one when it belongs to that stateroot, else the first deployment of the stateroot.
    /// </summary>
    public Deployment? MergeDeployment(string stateroot) =>
        Booted is { } b && b.Stateroot == stateroot ? b : Deployments.FirstOrDefault(d => !d.IsStaged && d.Stateroot == stateroot);
}
