namespace AptOstree.Compose;

/// <summary>One dpkg path filter: <c>path-include</c> (<paramref name="Include"/>) or <c>path-exclude</c> of a glob.</summary>
/// <param name="Include">True for <c>path-include</c>.</param>
/// <param name="Pattern">The glob (fnmatch without flags: <c>*</c> matches <c>/</c> too).</param>
internal sealed record DpkgPathRule(bool Include, string Pattern);
