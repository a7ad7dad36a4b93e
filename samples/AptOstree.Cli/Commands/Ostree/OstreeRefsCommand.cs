using System.CommandLine;
using AptOstree.OSTree;

namespace AptOstree.Cli.Commands;

/// <summary>
/// `apt-ostree ostree refs [PREFIX…]` with `--list`, `--delete`, `--create=NEWREF [--force] [--alias]`, `--alias`,
/// `--collections`, following ostree's ot-builtin-refs.c: a PREFIX is a ref or a ref directory, and listing cuts it
/// off the names unless `--list` is given.
/// </summary>
internal static class OstreeRefsCommand
{
    public static Command Create()
    {
        var repo = new RepoOption();
        var delete = new Option<bool>("--delete") { Description = "Delete refs which match PREFIX, rather than listing them." };
        var list = new Option<bool>("--list") { Description = "Do not remove the prefix from the refs." };
        var alias = new Option<bool>("--alias", "-A") { Description = "If used with --create, create an alias, otherwise just list aliases." };
        var create = new Option<string?>("--create") { Description = "Create a new ref for an existing commit." };
        var collections = new Option<bool>("--collections", "-c") { Description = "Enable listing collection IDs for refs." };
        var force = new Option<bool>("--force") { Description = "Overwrite existing refs when creating." };
        var prefixes = new Argument<string[]>("PREFIX") { Arity = ArgumentArity.ZeroOrMore };
        var command = new Command("refs", "List refs.") { repo, delete, list, alias, create, collections, force, prefixes };
        command.SetAction(parseResult =>
        {
            var repository = repo.Open(parseResult);
            var args = parseResult.GetValue(prefixes) ?? [];
            if (parseResult.GetValue(create) is string newRef)
            {
                if (args.Length != 1)
                {
                    throw new AptOstreeException(OstreeErrorCodes.InvalidOption, args.Length == 0
                        ? "You must specify a revision when creating a new ref."
                        : "You must specify only 1 existing ref when creating a new ref.");
                }

                Create(repository, newRef, args[0], parseResult.GetValue(alias), parseResult.GetValue(force));
                return 0;
            }

            if (parseResult.GetValue(delete))
            {
                if (args.Length == 0)
                {
                    throw new AptOstreeException(OstreeErrorCodes.InvalidOption, "At least one PREFIX is required when deleting refs.");
                }

                foreach (var prefix in args)
                {
                    Delete(repository, prefix);
                }

                return 0;
            }

            if (parseResult.GetValue(collections))
            {
                foreach (var collectionRef in repository.Refs.ListCollectionRefs().Keys.Where(k => args.Length == 0 || args.Any(p => k.Name.StartsWith(p, StringComparison.Ordinal))))
                {
                    Console.WriteLine(collectionRef);
                }

                return 0;
            }

            var aliases = parseResult.GetValue(alias) ? repository.Refs.ListAliases() : null;
            foreach (var prefix in args.Length == 0 ? [null] : args.Cast<string?>())
            {
                // ostree lists aliases by their full names even under a prefix.
                foreach (var name in Matching(repository, prefix, cutPrefix: aliases is null && !parseResult.GetValue(list)))
                {
                    if (aliases is null)
                    {
                        Console.WriteLine(name);
                    }
                    else if (aliases.TryGetValue(name, out var target))
                    {
                        Console.WriteLine($"{name} -> {target}");
                    }
                }
            }

            return 0;
        });
        return command;
    }

    /// <summary>
    /// ostree_repo_list_refs_ext: no prefix → every local and remote ref; a prefix naming a ref → that ref; a prefix
    /// naming a ref directory → the refs below it, relative to it when <paramref name="cutPrefix"/> (as <c>REMOTE:NAME</c>
    /// for a <c>REMOTE:DIR</c> prefix); anything else → nothing.
    /// </summary>
    internal static IEnumerable<string> Matching(OstreeRepository repository, string? prefix, bool cutPrefix)
    {
        var all = repository.Refs.List();
        if (prefix is null)
        {
            return all.Keys;
        }

        int colon = prefix.IndexOf(':', StringComparison.Ordinal);
        string remote = colon >= 0 ? prefix[..(colon + 1)] : string.Empty;
        string refPrefix = prefix[(colon + 1)..];
        if (refPrefix.Length > 0 ? !RefStore.IsValidName(refPrefix) : colon < 0)
        {
            throw new AptOstreeException(OstreeErrorCodes.InvalidRefName, $"Listing refs: invalid refspec '{prefix}'.");
        }

        if (refPrefix.Length > 0 && all.ContainsKey(prefix))
        {
            return [prefix];
        }

        string directory = refPrefix.Length == 0 ? remote : prefix + "/";
        return all.Keys
            .Where(k => k.StartsWith(directory, StringComparison.Ordinal))
            .Select(k => cutPrefix ? remote + k[directory.Length..] : k)
            .ToList();
    }

    private static void Create(OstreeRepository repository, string newRef, string rev, bool alias, bool force)
    {
        bool replacingAlias = alias && repository.Refs.ListAliases().ContainsKey(newRef);
        if (!replacingAlias && !force && repository.Refs.List().ContainsKey(newRef))
        {
            throw new AptOstreeException(OstreeErrorCodes.InvalidRefName, $"--create specified but ref {newRef} already exists.");
        }

        if (alias)
        {
            if (newRef.Contains(':', StringComparison.Ordinal))
            {
                throw new AptOstreeException(OstreeErrorCodes.InvalidRefName, $"Cannot create alias to remote ref: {newRef}");
            }

            repository.Refs.SetAlias(newRef, rev);
            return;
        }

        repository.Refs.Set(newRef, repository.ResolveRev(rev));
    }

    private static void Delete(OstreeRepository repository, string prefix)
    {
        var aliases = repository.Refs.ListAliases();
        foreach (var name in Matching(repository, prefix, cutPrefix: false).ToList())
        {
            if (aliases.FirstOrDefault(a => a.Value == name).Key is string aliasName)
            {
                throw new AptOstreeException(OstreeErrorCodes.InvalidRefName, $"Ref '{name}' has an active alias: '{aliasName}'.");
            }

            repository.Refs.Delete(name);
        }
    }
}
