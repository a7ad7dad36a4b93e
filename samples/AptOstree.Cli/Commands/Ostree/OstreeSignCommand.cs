using System.CommandLine;
using AptOstree.OSTree;

namespace AptOstree.Cli.Commands;

/// <summary>`apt-ostree ostree sign [--verify] --keys-file=F COMMIT [KEY…]` (ed25519, libostree's key encoding: base64).</summary>
internal static class OstreeSignCommand
{
    public static Command Create()
    {
        var repo = new RepoOption();
        var verify = new Option<bool>("--verify") { Description = "Verify signatures." };
        var signType = new Option<string>("--sign-type", "-s") { Description = "Signature type (only ed25519).", DefaultValueFactory = _ => "ed25519" };
        var keysFile = new Option<string?>("--keys-file") { Description = "Read keys (base64, one per line) from file." };
        var commit = new Argument<string>("COMMIT");
        var keys = new Argument<string[]>("KEY-ID") { Arity = ArgumentArity.ZeroOrMore, Description = "Base64 keys: secret keys to sign, public keys to verify." };
        var command = new Command("sign", "Sign a commit (ed25519).") { repo, verify, signType, keysFile, commit, keys };
        command.SetAction(parseResult =>
        {
            if (parseResult.GetValue(signType) != "ed25519")
            {
                throw new AptOstreeException(OstreeErrorCodes.InvalidOption, "only --sign-type=ed25519 is supported");
            }

            var repository = repo.Open(parseResult);
            var checksum = repository.ResolveRev(parseResult.GetValue(commit)!);
            var keyTexts = (parseResult.GetValue(keys) ?? []).ToList();
            if (parseResult.GetValue(keysFile) is string file)
            {
                keyTexts.AddRange(File.ReadAllLines(file).Select(l => l.Trim()).Where(l => l.Length > 0));
            }

            var keyBytes = keyTexts.Select(DecodeKey).ToList();
            if (parseResult.GetValue(verify))
            {
                bool ok = Ed25519CommitSigner.Verify(repository, checksum, keyBytes);
                Console.WriteLine(ok ? $"Signature verified successfully with key" : "No valid signature found");
                return ok ? 0 : 1;
            }

            foreach (var key in keyBytes)
            {
                Ed25519CommitSigner.Sign(repository, checksum, key);
            }

            return 0;
        });
        return command;
    }

    /// <summary>An ed25519 key in libostree's text form (base64).</summary>
    internal static byte[] DecodeKey(string text)
    {
        try
        {
            return Convert.FromBase64String(text);
        }
        catch (FormatException)
        {
            throw new AptOstreeException(OstreeErrorCodes.InvalidKey, $"ed25519 key '{(text.Length > 12 ? text[..12] + "…" : text)}' is not base64.");
        }
    }
}
