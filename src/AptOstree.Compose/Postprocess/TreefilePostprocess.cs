using AptOstree.OSTree;

namespace AptOstree.Compose;

/// <summary>
/// The treefile fields applied to the configured tree before the OSTree layout (in rpm-ostree's order, with
/// <c>units</c> last so an added unit file can be enabled): <c>mutate-os-release</c>, <c>remove-files</c>,
/// <c>add-files</c>, <c>units</c>, <c>default-target</c>. <c>documentation</c> and <c>install-langs</c> are applied
/// earlier, to the assembled tree (<see cref="DpkgPathFilter"/>).
/// </summary>
internal static class TreefilePostprocess
{
    /// <summary>Applies the fields of <paramref name="treefile"/> to <paramref name="root"/>.</summary>
    /// <param name="repository">Where new content goes.</param>
    /// <param name="root">The configured tree, <c>/etc</c> still in place.</param>
    /// <param name="treefile">The fields.</param>
    /// <param name="version">The commit version (for <c>mutate-os-release</c>); null when the commit has none.</param>
    /// <param name="cancellationToken">Stops between files.</param>
    public static void Apply(OstreeRepository repository, MutableTree root, Treefile treefile, string? version, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(repository);
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(treefile);
        string name = treefile.SourcePath ?? "treefile";
        if (treefile.MutateOsRelease is { } baseVersion)
        {
            OsReleaseMutation.Apply(repository, root, baseVersion, version);
        }

        TreefileFileEdits.RemoveFiles(repository, root, treefile.RemoveFiles, name);
        TreefileFileEdits.AddFiles(repository, root, treefile.AddFiles, name, cancellationToken);
        var units = new SystemdUnits(repository, root, name);
        units.Enable(treefile.Units);
        if (treefile.DefaultTarget is { } target)
        {
            units.SetDefaultTarget(target);
        }
    }
}
