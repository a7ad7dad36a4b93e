namespace AptOstree.Deb;

/// <summary>Offsets of a version's parts inside its text, as found by <see cref="DebianVersionParser.Split"/>.</summary>
internal struct VersionParts
{
    /// <summary>First non-blank character.</summary>
    public int Start;

    /// <summary>One past the last non-blank character.</summary>
    public int End;

    /// <summary>The epoch value (0 when absent).</summary>
    public int Epoch;

    /// <summary>True when an epoch was written.</summary>
    public bool HasEpoch;

    /// <summary>Start of the upstream part.</summary>
    public int UpstreamStart;

    /// <summary>End of the upstream part (exclusive).</summary>
    public int UpstreamEnd;

    /// <summary>Start of the revision, or -1 when there is no hyphen.</summary>
    public int RevisionStart;

    /// <summary>The upstream part of <paramref name="text"/> (the text these offsets were found in).</summary>
    public readonly ReadOnlySpan<char> Upstream(ReadOnlySpan<char> text) => text[UpstreamStart..UpstreamEnd];

    /// <summary>The revision of <paramref name="text"/>; empty when there is none.</summary>
    public readonly ReadOnlySpan<char> Revision(ReadOnlySpan<char> text) => RevisionStart < 0 ? [] : text[RevisionStart..End];
}
