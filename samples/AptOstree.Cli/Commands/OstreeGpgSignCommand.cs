using System.CommandLine;
using System.Diagnostics;
using AptOstree.OSTree;

namespace AptOstree.Cli.Commands;

/// <summary>
/// `apt-ostree ostree gpg-sign [--gpg-homedir=DIR] [--keyring=FILE] COMMIT KEY-ID…`: appends a GPG signature per key to
/// the commit's <c>ostree.gpgsigs</c>; with <c>--delete</c>, removes the signatures those keys made instead. gpg ≥ 2.1 keeps secret keys in <c>private-keys-v1.d</c>, which we do not read:
/// the key is exported with the real <c>gpg --export-secret-keys</c> (from <c>--gpg-homedir</c>, else gpg's default
/// home), or read from <c>--keyring</c>, a file such an export wrote (then gpg is not needed). Keys must have no passphrase.
/// </summary>
internal static class OstreeGpgSignCommand
{
    public static Command Create()
    {
        var repo = OstreeCommand.RepoOption();
        var homedir = new Option<string?>("--gpg-homedir") { Description = "GPG Homedir to use when looking for keyrings." };
        var delete = new Option<bool>("--delete", "-d") { Description = "Delete signatures having any of the GPG KEY-IDs." };
        var keyring = new Option<string?>("--keyring") { Description = "Read secret keys from this exported keyring (gpg --export-secret-keys) instead of gpg." };
        var commit = new Argument<string>("COMMIT");
        var keyIds = new Argument<string[]>("KEY-ID") { Arity = ArgumentArity.OneOrMore, Description = "Fingerprint, key id or user id of each signing key." };
        var command = new Command("gpg-sign", "Sign a commit (GPG).") { repo, delete, homedir, keyring, commit, keyIds };
        command.SetAction(parseResult =>
        {
            var repository = OstreeCommand.OpenRepo(parseResult, repo);
            var checksum = repository.ResolveRev(parseResult.GetValue(commit)!);
            if (parseResult.GetValue(delete))
            {
                int deleted = GpgCommitSigner.DeleteSignatures(repository, checksum, parseResult.GetValue(keyIds) ?? []);
                Console.WriteLine($"Signatures deleted: {deleted}");
                return 0;
            }

            foreach (string keyId in parseResult.GetValue(keyIds) ?? [])
            {
                var key = parseResult.GetValue(keyring) is string file
                    ? GpgSigningKey.LoadFile(file, keyId)
                    : ExportFromGpg(parseResult.GetValue(homedir), keyId);
                GpgCommitSigner.Sign(repository, checksum, key);
            }

            return 0;
        });
        return command;
    }

    private static GpgSigningKey ExportFromGpg(string? homedir, string keyId)
    {
        var psi = new ProcessStartInfo("gpg")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (homedir is not null)
        {
            psi.ArgumentList.Add("--homedir");
            psi.ArgumentList.Add(homedir);
        }

        foreach (string arg in new[] { "--batch", "--pinentry-mode", "loopback", "--passphrase", "", "--export-secret-keys", keyId })
        {
            psi.ArgumentList.Add(arg);
        }

        using var exported = new MemoryStream();
        Process process;
        try
        {
            process = Process.Start(psi) ?? throw new AptOstreeException(OSTreeErrorCodes.InvalidKey, "gpg could not be started.");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new AptOstreeException(OSTreeErrorCodes.InvalidKey, "gpg is not installed; export the key with gpg --export-secret-keys and pass --keyring=FILE.", ex);
        }

        using (process)
        {
            var errors = process.StandardError.ReadToEndAsync();
            process.StandardOutput.BaseStream.CopyTo(exported);
            process.WaitForExit();
            if (process.ExitCode != 0 || exported.Length == 0)
            {
                throw new AptOstreeException(OSTreeErrorCodes.InvalidKey, $"gpg --export-secret-keys {keyId} failed (no such secret key{(homedir is null ? string.Empty : " in " + homedir)}?): {errors.Result.Trim()}");
            }
        }

        exported.Position = 0;
        return GpgSigningKey.Load(exported, keyId, null, "gpg --export-secret-keys " + keyId);
    }
}
