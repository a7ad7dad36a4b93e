using System.CommandLine;
using AptOstree.OSTree;

namespace AptOstree.Cli.Commands;

/// <summary>`apt-ostree ostree config (get KEY|set KEY VALUE|unset KEY)` with KEY = SECTION.NAME, or NAME with `--group`.</summary>
internal static class OstreeConfigCommand
{
    public static Command Create()
    {
        var repo = new RepoOption();
        var group = new Option<string?>("--group") { Description = "Group name." };
        var action = new Argument<string>("ACTION") { Description = "get, set or unset." };
        var key = new Argument<string>("KEY") { Description = "SECTION.NAME (or NAME with --group)." };
        var value = new Argument<string?>("VALUE") { Description = "The value (set only).", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("config", "Change repo configuration settings.") { repo, group, action, key, value };
        command.SetAction(parseResult =>
        {
            var repository = repo.Open(parseResult);
            var (section, name) = Split(parseResult.GetValue(group), parseResult.GetValue(key)!);
            var newValue = parseResult.GetValue(value);
            switch (parseResult.GetValue(action))
            {
                case "get" when newValue is null:
                    if (!repository.Config.Groups.Contains(section, StringComparer.Ordinal))
                    {
                        throw new AptOstreeException(OstreeErrorCodes.ConfigKeyNotFound, $"{repository.Path}/config does not have group '{section}'.");
                    }

                    Console.WriteLine(repository.Config.GetString(section, name)
                        ?? throw new AptOstreeException(OstreeErrorCodes.ConfigKeyNotFound, $"{repository.Path}/config does not have key '{name}' in group '{section}'."));
                    return 0;
                case "set" when newValue is not null:
                    repository.Config.SetString(section, name, newValue);
                    repository.SaveConfig();
                    return 0;
                case "unset" when newValue is null:
                    // Like ostree, removing a key or group that is not there is no error.
                    if (repository.Config.Remove(section, name))
                    {
                        repository.SaveConfig();
                    }

                    return 0;
                case "get" or "set" or "unset":
                    throw new AptOstreeException(OstreeErrorCodes.InvalidOption, "Usage: config (get KEY|set KEY VALUE|unset KEY).");
                default:
                    throw new AptOstreeException(OstreeErrorCodes.InvalidOption, $"Unknown config action '{parseResult.GetValue(action)}': expected get, set or unset.");
            }
        });
        return command;
    }

    /// <summary>ostree splits at the first dot: <c>remote "o".url</c> is group <c>remote "o"</c>, key <c>url</c>.</summary>
    private static (string Section, string Name) Split(string? group, string key)
    {
        if (group is not null)
        {
            return (group, key);
        }

        int dot = key.IndexOf('.', StringComparison.Ordinal);
        return dot < 0
            ? throw new AptOstreeException(OstreeErrorCodes.InvalidOption, $"Key '{key}' must be of the form \"sectionname.keyname\".")
            : (key[..dot], key[(dot + 1)..]);
    }
}
