using System.CommandLine;
using AptOstree.OSTree;

namespace AptOstree.Cli.Commands;

/// <summary>`apt-ostree ostree remote add NAME URL [--no-gpg-verify] [--set=K=V] [--sign-verify=…]`.</summary>
internal static class OstreeRemoteAddCommand
{
    public static Command Create()
    {
        var repo = new RepoOption();
        var noGpg = new Option<bool>("--no-gpg-verify") { Description = "Disable GPG verification." };
        var collectionId = new Option<string?>("--collection-id") { Description = "Globally unique ID for this repository as an collection of refs for redistribution to other repositories." };
        var signVerify = new Option<string[]>("--sign-verify") { Description = "Verify signatures using KEYTYPE=inline:PUBKEY or KEYTYPE=file:/path/to/key." };
        var set = new Option<string[]>("--set") { Description = "Set config option KEY=VALUE for remote." };
        var name = new Argument<string>("NAME");
        var url = new Argument<string>("URL");
        var command = new Command("add", "Add a remote repository.") { repo, noGpg, collectionId, signVerify, set, name, url };
        command.SetAction(parseResult =>
        {
            var options = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var kv in parseResult.GetValue(set) ?? [])
            {
                int eq = kv.IndexOf('=', StringComparison.Ordinal);
                if (eq <= 0)
                {
                    throw new AptOstreeException(OstreeErrorCodes.InvalidOption, $"Invalid --set {kv}, expected KEY=VALUE");
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
                    throw new AptOstreeException(OstreeErrorCodes.InvalidOption, $"Failed to parse KEYTYPE=[inline|file]:DATA in {spec}");
                }

                options[$"verification-{parts[0]}-{(keyParts[0] == "inline" ? "key" : "file")}"] = keyParts[1];
                types.Add(parts[0]);
            }

            if (types.Count > 0)
            {
                options["sign-verify"] = string.Join(';', types.Distinct(StringComparer.Ordinal));
            }

            repo.Open(parseResult).Remotes.Add(parseResult.GetValue(name)!, parseResult.GetValue(url)!, gpgVerify: !parseResult.GetValue(noGpg), options: options);
            return 0;
        });
        return command;
    }
}
