namespace AptOstree.OSTree;

/// <summary>Options of <c>pull</c> and <c>pull-local</c>.</summary>
public sealed record PullOptions
{
    /// <summary>Parents to fetch besides the commit itself (<c>--depth</c>); -1 fetches the whole history.</summary>
    public int Depth { get; init; }

    /// <summary>For pull-local: record the ref as <c>REMOTE:REF</c> instead of a local ref (<c>--remote</c>).</summary>
    public string? Remote { get; init; }

    /// <summary>
    /// For pull-local (<c>--gpg-verify</c>): every pulled commit needs a valid GPG signature by a key
    /// <see cref="Remote"/> trusts, which must then be set. A remote pull follows the remote's <c>gpg-verify</c>.
    /// </summary>
    public bool GpgVerify { get; init; }

    /// <summary>
    /// For pull-local (<c>--gpg-verify-summary</c>): the source's <c>summary</c> needs a valid GPG signature by a key
    /// <see cref="Remote"/> trusts, which must then be set. A remote pull follows the remote's <c>gpg-verify-summary</c>.
    /// </summary>
    public bool GpgVerifySummary { get; init; }

    /// <summary>
    /// Write refs suitable for a mirror (<c>--mirror</c>): <c>refs/heads/REF</c> when the source has no collection
    /// ID (or this repository's own), else <c>refs/mirrors/COLLECTION/REF</c>, instead of <c>refs/remotes/REMOTE/REF</c>.
    /// </summary>
    public bool Mirror { get; init; }

    /// <summary>Concurrent object transfers over HTTP (libostree uses 8).</summary>
    public int MaxConcurrency { get; init; } = 8;

    /// <summary>The HTTP client to use; a private one by default.</summary>
    public HttpClient? HttpClient { get; init; }

    /// <summary>Progress (objects fetched).</summary>
    public IProgress<OperationProgress>? Progress { get; init; }
}
