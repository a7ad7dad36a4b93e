using System.CommandLine;
using AptOstree.OSTree;

namespace AptOstree.Cli.Commands;

/// <summary>
/// `apt-ostree ostree gpg-sign [--gpg-homedir=DIR] [--keyring=FILE] COMMIT KEY-ID…`: appends a GPG signature per key to
/// the commit's <c>ostree.gpgsigs</c>; with <c>--delete</c>, removes the signatures those keys made instead. Keys are
/// found as <see cref="GpgKeyOptions"/> describes.
/// </summary>
internal static class OstreeGpgSignCommand
{
    public static Command Create()
    {
        var repo = new RepoOption();
        var keys = new GpgKeyOptions();
        var delete = new Option<bool>("--delete", "-d") { Description = "Delete signatures having any of the GPG KEY-IDs." };
        var commit = new Argument<string>("COMMIT");
        var keyIds = new Argument<string[]>("KEY-ID") { Arity = ArgumentArity.OneOrMore, Description = "Fingerprint, key id or user id of each signing key." };
        var command = new Command("gpg-sign", "Sign a commit (GPG).") { repo, delete, keys.Homedir, keys.Keyring, commit, keyIds };
        command.SetAction(parseResult =>
        {
            var repository = repo.Open(parseResult);
            var checksum = repository.ResolveRev(parseResult.GetValue(commit)!);
            if (parseResult.GetValue(delete))
            {
                int deleted = GpgCommitSigner.DeleteSignatures(repository, checksum, parseResult.GetValue(keyIds) ?? []);
                Console.WriteLine($"Signatures deleted: {deleted}");
                return 0;
            }

            foreach (string keyId in parseResult.GetValue(keyIds) ?? [])
            {
                GpgCommitSigner.Sign(repository, checksum, keys.Load(parseResult, keyId));
            }

            return 0;
        });
        return command;
    }
}
