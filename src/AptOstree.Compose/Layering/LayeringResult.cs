using AptOstree.OSTree.Sysroot;

namespace AptOstree.Compose.Layering;

/// <summary>The outcome of a layering transaction.</summary>
/// <param name="Plan">What was (or, on a dry run, would be) done.</param>
/// <param name="Commit">The new commit; null on a dry run or when nothing changed.</param>
/// <param name="Deployment">The new deployment; null on a dry run or when nothing changed.</param>
public sealed record LayeringResult(LayeringPlan Plan, Checksum? Commit, Deployment? Deployment)
{
    /// <summary>True when a new deployment was made.</summary>
    public bool Changed => Deployment is not null;
}
