namespace AptOstree.OSTree.Sysroot;

/// <summary>Options of <c>OstreeSysroot.Deploy</c>, named after <c>ostree admin deploy</c>'s flags.</summary>
public sealed record DeployOptions
{
    /// <summary><c>--os</c>: the stateroot; default: the merge deployment's, or the only stateroot.</summary>
    public string? Stateroot { get; init; }

    /// <summary><c>--karg</c>: replaces the inherited kernel arguments entirely when set.</summary>
    public IReadOnlyList<string>? KernelArguments { get; init; }

    /// <summary><c>--karg-append</c>: appended to the inherited (or given) arguments.</summary>
    public IReadOnlyList<string> AppendKernelArguments { get; init; } = [];

    /// <summary><c>--karg-delete</c>: removed from the inherited (or given) arguments.</summary>
    public IReadOnlyList<string> DeleteKernelArguments { get; init; } = [];

    /// <summary><c>--origin-file</c> contents; default: <c>[origin] refspec=REFSPEC</c>.</summary>
    public DeploymentOrigin? Origin { get; init; }

    /// <summary><c>--no-merge</c>: do not carry local /etc changes over.</summary>
    public bool NoMerge { get; init; }

    /// <summary><c>--not-as-default</c>: insert after the booted/merge deployment instead of first.</summary>
    public bool NotAsDefault { get; init; }

    /// <summary><c>--retain</c>: keep every existing deployment.</summary>
    public bool Retain { get; init; }

    /// <summary><c>--no-prune</c>: do not prune the repository afterwards.</summary>
    public bool NoPrune { get; init; }

    /// <summary><c>--stage</c>: prepare now, write the boot configuration at <see cref="OstreeSysroot.FinalizeStaged"/>.</summary>
    public bool Stage { get; init; }

    /// <summary>Create the standard symlinks (<c>home → var/home</c>, …) when the tree lacks them.</summary>
    public bool CreateFilesystemLayout { get; init; } = true;
}
