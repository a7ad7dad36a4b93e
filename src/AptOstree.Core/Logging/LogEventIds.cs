namespace AptOstree;

/// <summary>
/// Event-id ranges, one per package, so that a log line's id says where it came from:
/// 1000–1999 Core, 2000–2999 Deb (format), 3000–3999 OSTree repository, 4000–4999 APT repositories
/// and solver, 5000–5999 deployments, 6000–6999 Compose. Ids are never reused.
/// </summary>
public static class LogEventIds
{
    /// <summary>First id of AptOstree.Core.</summary>
    public const int CoreBase = 1000;

    /// <summary>First id of the .deb format layer.</summary>
    public const int DebBase = 2000;

    /// <summary>First id of the OSTree repository.</summary>
    public const int OSTreeBase = 3000;

    /// <summary>First id of APT repositories and the solver.</summary>
    public const int AptBase = 4000;

    /// <summary>First id of the deployment manager.</summary>
    public const int DeploymentBase = 5000;

    /// <summary>First id of AptOstree.Compose.</summary>
    public const int ComposeBase = 6000;
}
