using AptOstree.Deb.Solver;

namespace AptOstree.Compose;

/// <summary>What a compose did.</summary>
public sealed record ComposeResult
{
    /// <summary>The ref written (or that would be written).</summary>
    public required string Ref { get; init; }

    /// <summary>The new commit; the existing one when nothing changed; null for a dry run or download-only run.</summary>
    public Checksum? Commit { get; init; }

    /// <summary>False when the inputs equal those of the ref's commit, so nothing was committed (the CLI exits 77).</summary>
    public bool Changed { get; init; }

    /// <summary>The hash of every input (resolved treefile, exact packages, import and layout formats).</summary>
    public required string InputHash { get; init; }

    /// <summary>The package set in install order.</summary>
    public required IReadOnlyList<UniversePackage> Packages { get; init; }

    /// <summary>The lockfile of this compose.</summary>
    public required ComposeLockfile Lockfile { get; init; }

    /// <summary>Packages imported now (the others were reused from earlier composes).</summary>
    public IReadOnlyList<string> NewlyImported { get; init; } = [];

    /// <summary>Wall-clock time of each phase, in order.</summary>
    public IReadOnlyList<ComposePhaseTiming> Phases { get; init; } = [];

    /// <summary>Time of each maintainer script and trigger, slowest first.</summary>
    public IReadOnlyList<ScriptTiming> Scripts { get; init; } = [];
}

/// <summary>One phase of a compose and how long it took.</summary>
/// <param name="Phase"><c>resolve</c>, <c>download</c>, <c>import</c>, <c>assemble</c>, <c>configure</c>, <c>postprocess</c> or <c>commit</c>.</param>
/// <param name="Duration">Wall-clock time.</param>
public sealed record ComposePhaseTiming(string Phase, TimeSpan Duration);
