namespace AptOstree.OSTree;

/// <summary>The <c>core.mode</c> spellings of <see cref="RepoMode"/>.</summary>
public static class RepoModeExtensions
{
    /// <summary>The string written to <c>config</c> (<c>archive-z2</c> for archive, as libostree writes).</summary>
    public static string ToConfigString(this RepoMode mode) => mode switch
    {
        RepoMode.Bare => "bare",
        RepoMode.BareUser => "bare-user",
        RepoMode.BareUserOnly => "bare-user-only",
        RepoMode.BareSplitXattrs => "bare-split-xattrs",
        RepoMode.Archive => "archive-z2",
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown repository mode."),
    };

    /// <summary>Parses a mode as <c>ostree init --mode</c> and <c>core.mode</c> accept it.</summary>
    public static bool TryParse(string text, out RepoMode mode)
    {
        (bool ok, mode) = text switch
        {
            "bare" => (true, RepoMode.Bare),
            "bare-user" => (true, RepoMode.BareUser),
            "bare-user-only" => (true, RepoMode.BareUserOnly),
            "bare-split-xattrs" => (true, RepoMode.BareSplitXattrs),
            "archive" or "archive-z2" => (true, RepoMode.Archive),
            _ => (false, RepoMode.Bare),
        };
        return ok;
    }
}
