using System.CommandLine;
using AptOstree.OSTree;

namespace AptOstree.Cli.Commands;

/// <summary>`pull REMOTE REF`, `pull-local SRC [REF]`, `remote add|list|delete`.</summary>
internal static class OstreePullCommands
{
    public static IEnumerable<Command> Create()
    {
        yield return Pull();
        yield return PullLocal();
        yield return Remote();
    }

    private static Command Pull()
    {
        var repo = OstreeCommand.RepoOption();
        var depth = new Option<int>("--depth") { Description = "Traverse DEPTH parents (-1=infinite) (default: 0)." };
        var mirror = new Option<bool>("--mirror") { Description = "Write refs suitable for a mirror and fetches all refs if none provided." };
        var remote = new Argument<string>("REMOTE");
        var refs = new Argument<string[]>("BRANCH") { Arity = ArgumentArity.ZeroOrMore };
        var command = new Command("pull", "Download data from a remote repository.") { repo, depth, mirror, remote, refs };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var repository = OstreeCommand.OpenRepo(parseResult, repo);
            var options = new PullOptions { Depth = parseResult.GetValue(depth), Mirror = parseResult.GetValue(mirror) };
            var branches = parseResult.GetValue(refs) ?? [];
            if (branches.Length == 0)
            {
                if (!options.Mirror)
                {
                    Console.Error.WriteLine("apt-ostree: error: No branches given (use --mirror to fetch all refs)");
                    return 1;
                }

                foreach (var (name, commit) in await new RepositoryPuller(repository).MirrorRemoteAsync(parseResult.GetValue(remote)!, options, cancellationToken))
                {
                    Console.WriteLine($"{name}: {commit}");
                }

                return 0;
            }

            foreach (var r in branches)
            {
                var commit = await repository.PullAsync(parseResult.GetValue(remote)!, r, options, cancellationToken);
                Console.WriteLine($"{r}: {commit}");
            }

            return 0;
        });
        return command;
    }

    private static Command PullLocal()
    {
        var repo = OstreeCommand.RepoOption();
        var depth = new Option<int>("--depth") { Description = "Traverse DEPTH parents (-1=infinite) (default: 0)." };
        var remoteName = new Option<string?>("--remote") { Description = "Add REMOTE to refspec." };

        // Our pull re-hashes every object it copies from any source, so the checks ostree adds with this flag always run.
        var untrusted = new Option<bool>("--untrusted") { Description = "Verify checksums of local sources (always done: every copied object is re-hashed)." };
        var gpgVerify = new Option<bool>("--gpg-verify") { Description = "GPG verify commits (must specify --remote)." };
        var gpgVerifySummary = new Option<bool>("--gpg-verify-summary") { Description = "GPG verify summary (must specify --remote)." };
        var source = new Argument<string>("SRC_REPO");
        var refs = new Argument<string[]>("REF") { Arity = ArgumentArity.ZeroOrMore };
        var command = new Command("pull-local", "Copy data from SRC_REPO.") { repo, depth, remoteName, untrusted, gpgVerify, gpgVerifySummary, source, refs };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var repository = OstreeCommand.OpenRepo(parseResult, repo);
            string src = parseResult.GetValue(source)!;
            var list = parseResult.GetValue(refs) is { Length: > 0 } given ? given : OstreeRepository.Open(src).Refs.List().Keys.Where(k => !k.Contains(':', StringComparison.Ordinal)).ToArray();
            foreach (var r in list)
            {
                await repository.PullLocalAsync(src, r, new PullOptions { Depth = parseResult.GetValue(depth), Remote = parseResult.GetValue(remoteName), GpgVerify = parseResult.GetValue(gpgVerify), GpgVerifySummary = parseResult.GetValue(gpgVerifySummary) }, cancellationToken);
            }

            return 0;
        });
        return command;
    }

    private static Command Remote()
    {
        var command = new Command("remote", "Remote commands that may involve network access.");
        var repo = OstreeCommand.RepoOption();
        var noGpg = new Option<bool>("--no-gpg-verify") { Description = "Disable GPG verification." };
        var collectionId = new Option<string?>("--collection-id") { Description = "Globally unique ID for this repository as an collection of refs for redistribution to other repositories." };
        var signVerify = new Option<string[]>("--sign-verify") { Description = "Verify signatures using KEYTYPE=inline:PUBKEY or KEYTYPE=file:/path/to/key." };
        var set = new Option<string[]>("--set") { Description = "Set config option KEY=VALUE for remote." };
        var name = new Argument<string>("NAME");
        var url = new Argument<string>("URL");
        var add = new Command("add", "Add a remote repository.") { repo, noGpg, collectionId, signVerify, set, name, url };
        add.SetAction(parseResult =>
        {
            var options = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var kv in parseResult.GetValue(set) ?? [])
            {
                int eq = kv.IndexOf('=', StringComparison.Ordinal);
                if (eq <= 0)
                {
                    Console.Error.WriteLine($"apt-ostree: error: Invalid --set {kv}, expected KEY=VALUE");
                    return 1;
                }

                options[kv[..eq]] = kv[(eq + 1)..];
            }

            if (parseResult.GetValue(collectionId) is string collection)
            {
                options["collection-id"] = collection;
            }

            // Like ostree: --sign-verify=ed25519=inline:KEY writes verification-ed25519-key and sign-verify=ed25519.
            var types = new List<string>();
            foreach (var spec in parseResult.GetValue(signVerify) ?? [])
            {
                var parts = spec.Split('=', 2);
                var keyParts = parts.Length == 2 ? parts[1].Split(':', 2) : [];
                if (keyParts.Length != 2 || keyParts[0] is not ("inline" or "file"))
                {
                    Console.Error.WriteLine($"apt-ostree: error: Failed to parse KEYTYPE=[inline|file]:DATA in {spec}");
                    return 1;
                }

                options[$"verification-{parts[0]}-{(keyParts[0] == "inline" ? "key" : "file")}"] = keyParts[1];
                types.Add(parts[0]);
            }

            if (types.Count > 0)
            {
                options["sign-verify"] = string.Join(';', types.Distinct(StringComparer.Ordinal));
            }

            OstreeCommand.OpenRepo(parseResult, repo).Remotes.Add(parseResult.GetValue(name)!, parseResult.GetValue(url)!, gpgVerify: !parseResult.GetValue(noGpg), options: options);
            return 0;
        });
        var listRepo = OstreeCommand.RepoOption();
        var list = new Command("list", "List remote repository names.") { listRepo };
        list.SetAction(parseResult =>
        {
            foreach (var r in OstreeCommand.OpenRepo(parseResult, listRepo).Remotes.List())
            {
                Console.WriteLine(r.Name);
            }

            return 0;
        });
        var delRepo = OstreeCommand.RepoOption();
        var delName = new Argument<string>("NAME");
        var delete = new Command("delete", "Delete a remote repository.") { delRepo, delName };
        delete.SetAction(parseResult => OstreeCommand.OpenRepo(parseResult, delRepo).Remotes.Remove(parseResult.GetValue(delName)!) ? 0 : 1);
        command.Subcommands.Add(add);
        command.Subcommands.Add(list);
        command.Subcommands.Add(delete);
        command.Subcommands.Add(OstreeRemoteGpgImportCommand.Create());
        return command;
    }
}
