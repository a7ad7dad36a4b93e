using System.CommandLine;
using AptOstree.OpenPgp;
using AptOstree.OSTree;

namespace AptOstree.Cli.Commands;

/// <summary>
/// `apt-ostree ostree remote gpg-import [-k FILE]… [--stdin] NAME [KEY-ID…]`: adds public keys to the remote's
/// <c>NAME.trustedkeys.gpg</c> as <c>ostree remote gpg-import</c> does, only those named by KEY-ID when given. Unlike
/// ostree, keys come only from files or standard input, not from the user's gpg keyring.
/// </summary>
internal static class OstreeRemoteGpgImportCommand
{
    public static Command Create()
    {
        var repo = new RepoOption();
        var keyrings = new Option<string[]>("--keyring", "-k") { Description = "Import keys from a keyring file (repeatable).", AllowMultipleArgumentsPerToken = false };
        var stdin = new Option<bool>("--stdin") { Description = "Import keys from standard input." };
        var name = new Argument<string>("NAME");
        var keyIds = new Argument<string[]>("KEY-ID") { Arity = ArgumentArity.ZeroOrMore };
        var command = new Command("gpg-import", "Import GPG keys.") { repo, keyrings, stdin, name, keyIds };
        command.SetAction(parseResult =>
        {
            var sources = (parseResult.GetValue(keyrings) ?? []).Select(OpenPgpKeyring.LoadFile).ToList();
            if (parseResult.GetValue(stdin))
            {
                using var input = Console.OpenStandardInput();
                sources.Add(OpenPgpKeyring.Load(input, "standard input"));
            }

            if (sources.Count == 0)
            {
                throw new AptOstreeException(OstreeErrorCodes.InvalidOption, "No keys to import: give --keyring=FILE or --stdin.");
            }

            var keys = OpenPgpKeyring.Combine(sources);
            if (parseResult.GetValue(keyIds) is { Length: > 0 } ids)
            {
                keys = keys.Select(ids);
            }

            string remote = parseResult.GetValue(name)!;
            int imported = repo.Open(parseResult).Remotes.ImportGpgKeys(remote, keys);
            Console.WriteLine($"Imported {imported} GPG key{(imported == 1 ? string.Empty : "s")} to remote \"{remote}\"");
            return 0;
        });
        return command;
    }
}
