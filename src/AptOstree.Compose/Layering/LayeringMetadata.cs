namespace AptOstree.Compose.Layering;

/// <summary>Commit metadata keys of layered commits (a base commit plus client-side packages).</summary>
public static class LayeringMetadata
{
    /// <summary><c>b</c>: true on a commit built on a client from a base commit (rpm-ostree's <c>rpmostree.clientlayer</c>).</summary>
    public const string ClientLayer = "aptostree.clientlayer";

    /// <summary><c>s</c>: the base commit the layered commit was built from (also its parent).</summary>
    public const string BaseCommit = "aptostree.clientlayer.base";

    /// <summary><c>as</c>: the layered packages, dependencies included, one <c>NAME VERSION ARCH</c> each.</summary>
    public const string Packages = "aptostree.clientlayer.packages";

    /// <summary><c>as</c>: the requested package names that are layered (the rest of the request is satisfied by the base: inactive).</summary>
    public const string ActiveRequests = "aptostree.clientlayer.requested";

    /// <summary><c>as</c>: the local packages layered, one <c>SHA256:NAME_VERSION_ARCH</c> each.</summary>
    public const string LocalPackages = "aptostree.clientlayer.local";
}
