using AptOstree.OSTree.GVariant;

namespace AptOstree.OSTree;

/// <summary>
/// What the commit object records and what happens once it is written (libostree's <c>write_commit</c> arguments plus
/// <c>ostree commit</c>'s branch, binding and signing flags). How files are taken into the tree is
/// <see cref="ImportOptions"/>.
/// </summary>
public sealed record CommitOptions
{
    /// <summary>The branch to update (<c>-b</c>); its current value becomes the parent unless <see cref="Parent"/> or <see cref="Orphan"/>.</summary>
    public string? Branch { get; init; }

    /// <summary>One-line subject (<c>-s</c>).</summary>
    public string? Subject { get; init; }

    /// <summary>Body (<c>--body</c>).</summary>
    public string? Body { get; init; }

    /// <summary>Commit time (<c>--timestamp</c>); else <c>SOURCE_DATE_EPOCH</c>, else now.</summary>
    public DateTimeOffset? Timestamp { get; init; }

    /// <summary>Explicit parent (<c>--parent</c>).</summary>
    public Checksum? Parent { get; init; }

    /// <summary>No parent even when the branch exists (<c>--orphan</c> / <c>--parent=none</c>).</summary>
    public bool Orphan { get; init; }

    /// <summary>Commit metadata, in order (<c>--add-metadata</c>).</summary>
    public IReadOnlyList<KeyValuePair<string, GVariantValue>>? Metadata { get; init; }

    /// <summary>Extra refs to bind besides the branch (<c>--bind-ref</c>).</summary>
    public IReadOnlyList<string>? BindRefs { get; init; }

    /// <summary>Do not add <c>ostree.ref-binding</c> (<c>--no-bindings</c>).</summary>
    public bool NoBindings { get; init; }

    /// <summary>
    /// When the tree (root dirtree and dirmeta) equals the parent commit's, write no commit and return the parent
    /// (<c>--skip-if-unchanged</c>).
    /// </summary>
    public bool SkipIfUnchanged { get; init; }

    /// <summary>
    /// Detached metadata (the commit's <c>.commitmeta</c> <c>a{sv}</c>) written with the commit, before any signature is
    /// added and before the branch moves (<c>--add-detached-metadata-string</c>).
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, GVariantValue>>? DetachedMetadata { get; init; }

    /// <summary>
    /// GPG keys that sign the new commit before <see cref="Branch"/> moves to it (<c>--gpg-sign</c>), so the ref never
    /// names an unsigned commit. Nothing is signed when <see cref="SkipIfUnchanged"/> returns the parent.
    /// </summary>
    public IReadOnlyList<GpgSigningKey>? GpgSigningKeys { get; init; }

    /// <summary>ed25519 secret keys (libostree's 64-byte form) that sign the new commit the same way (<c>--sign</c>).</summary>
    public IReadOnlyList<byte[]>? Ed25519SecretKeys { get; init; }
}
