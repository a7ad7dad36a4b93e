namespace AptOstree;

/// <summary>
/// One progress report of a long operation, delivered through <see cref="IProgress{T}"/>.
/// Reports may arrive on thread-pool threads.
/// </summary>
/// <param name="Operation">What is running, e.g. <c>extract</c>, <c>commit</c>, <c>download</c>.</param>
/// <param name="Completed">Units done so far (bytes, files or objects; see <paramref name="Unit"/>).</param>
/// <param name="Total">Units in all, when known.</param>
/// <param name="Unit">The unit of <paramref name="Completed"/> and <paramref name="Total"/>.</param>
/// <param name="CurrentItem">The item being worked on (a path, a package, an object), when useful.</param>
public sealed record OperationProgress(string Operation, long Completed, long? Total, ProgressUnit Unit, string? CurrentItem = null)
{
    /// <summary>Fraction done in [0, 1], or null when the total is unknown.</summary>
    public double? Fraction => Total is > 0 ? Math.Clamp((double)Completed / Total.Value, 0, 1) : null;
}
