using AptOstree.OSTree;

namespace AptOstree.Compose;

/// <summary>How <see cref="TreeComposer"/> runs one compose (the CLI's <c>compose tree</c> options).</summary>
public sealed record ComposeOptions
{
    /// <summary>Downloaded .debs and updated indexes (default: <c>REPO/../cache</c> of the CLI; required here).</summary>
    public required string CacheDirectory { get; init; }

    /// <summary>Scratch space for the configuration sandbox (default: <c>CACHE/work</c>); emptied after each compose.</summary>
    public string? WorkDirectory { get; init; }

    /// <summary>APT lists to read for the host's sources (default <c>/var/lib/apt/lists</c>).</summary>
    public string? ListsDirectory { get; init; }

    /// <summary>Resolve and print the plan only: nothing is downloaded or committed.</summary>
    public bool DryRun { get; init; }

    /// <summary>Resolve and download, then stop.</summary>
    public bool DownloadOnly { get; init; }

    /// <summary>Install exactly these packages (and use its timestamp) instead of resolving.</summary>
    public ComposeLockfile? Lockfile { get; init; }

    /// <summary>Commit even when the input hash equals the previous commit's.</summary>
    public bool Force { get; init; }

    /// <summary>
    /// The commit timestamp and the scripts' <c>SOURCE_DATE_EPOCH</c> (seconds). Default: the lockfile's, else the
    /// <c>SOURCE_DATE_EPOCH</c> environment variable, else the newest Release date of the sources, so the same inputs
    /// give the same commit.
    /// </summary>
    public long? SourceDateEpoch { get; init; }

    /// <summary>
    /// Keys that sign the commit (libostree's <c>ostree.gpgsigs</c>, as <c>ostree commit --gpg-sign</c>) before the ref
    /// moves to it. Required when the treefile names a <c>gpg-key</c>.
    /// </summary>
    public IReadOnlyList<GpgSigningKey> GpgSigningKeys { get; init; } = [];

    /// <summary>Parallel downloads.</summary>
    public int DownloadParallelism { get; init; } = 4;
}
