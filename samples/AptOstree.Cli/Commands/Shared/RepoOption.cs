using System.CommandLine;
using AptOstree.OSTree;

namespace AptOstree.Cli.Commands;

/// <summary>
/// `--repo=PATH`, taken by every `ostree` verb and, as ostree allows, before the verb (`apt-ostree ostree --repo=PATH VERB`).
/// Without it the repository is found as ostree finds it: the current directory when it is a repository, else
/// <c>$OSTREE_REPO</c>, else the system repository (<c>$OSTREE_SYSROOT/ostree/repo</c>, <c>/ostree/repo</c> by default).
/// </summary>
internal sealed class RepoOption : Option<string?>
{
    private const string Missing = "Command requires a --repo argument";

    public RepoOption()
        : base("--repo")
    {
        Description = "Path to the OSTree repository (default: the current directory if it is one, else $OSTREE_REPO, else /ostree/repo).";
    }

    /// <summary>The `--repo` given before the verb; the `ostree` command carries it.</summary>
    public static Option<string?> Leading { get; } = new("--repo")
    {
        Description = "Path to the OSTree repository (before the verb, like `ostree --repo=PATH VERB`).",
    };

    /// <summary>The path the user named: the verb's `--repo`, else the one before the verb; null when neither was given.</summary>
    public string? Given(ParseResult parseResult) => parseResult.GetValue(this) ?? parseResult.GetValue(Leading);

    /// <summary>The repository path: the one given, else ostree's default (see the type's summary).</summary>
    public string Path(ParseResult parseResult)
    {
        if (Given(parseResult) is string given)
        {
            return given;
        }

        if (Directory.Exists("objects") && File.Exists("config"))
        {
            return ".";
        }

        // Like libostree: an unset or empty OSTREE_REPO falls through to the system repository; a path that is no
        // repository is the same usage error as no repository at all.
        string path = Environment.GetEnvironmentVariable("OSTREE_REPO") is { Length: > 0 } fromEnvironment
            ? fromEnvironment
            : System.IO.Path.Combine(Environment.GetEnvironmentVariable("OSTREE_SYSROOT") is { Length: > 0 } sysroot ? sysroot : "/", "ostree", "repo");
        return File.Exists(System.IO.Path.Combine(path, "config"))
            ? path
            : throw new AptOstreeException(CoreErrorCodes.InvalidArgument, $"{Missing} (the current directory is no repository, and neither is {path}).");
    }

    /// <summary>The repository path for a verb that creates one (`init`): ostree requires it to be given.</summary>
    public string PathToCreate(ParseResult parseResult) =>
        Given(parseResult) ?? throw new AptOstreeException(CoreErrorCodes.InvalidArgument, Missing + ".");

    /// <summary>Opens the repository through the container's <see cref="OstreeRepositoryFactory"/> (its file layer and logging).</summary>
    public OstreeRepository Open(ParseResult parseResult) =>
        parseResult.GetRequiredService<OstreeRepositoryFactory>().Open(Path(parseResult));
}
