namespace AptOstree.OSTree;

/// <summary>
/// A remote's signature policy, from the keys <c>ostree remote add --sign-verify=ed25519=inline:KEY</c> (or
/// <c>=file:PATH</c>) writes: <c>sign-verify</c> (true, or a list of signature types) checks every pulled commit's
/// detached signatures; <c>sign-verify-summary=true</c> checks <c>summary.sig</c>; keys come from
/// <c>verification-ed25519-key</c> (base64) and <c>verification-ed25519-file</c> (base64 keys, one per line).
/// </summary>
internal sealed record RemoteVerification(bool VerifyCommits, bool VerifySummary, IReadOnlyList<byte[]> PublicKeys)
{
    public static readonly RemoteVerification None = new(false, false, []);

    public static RemoteVerification For(OstreeRemote remote)
    {
        bool commits = SignVerifyEnabled(remote);
        bool summary = ParseBoolean(remote, "sign-verify-summary");
        if (!commits && !summary)
        {
            return None;
        }

        var keyTexts = new List<string>();
        if (remote.Options.GetValueOrDefault("verification-ed25519-key") is string inline)
        {
            keyTexts.Add(inline);
        }

        if (remote.Options.GetValueOrDefault("verification-ed25519-file") is string file)
        {
            if (!File.Exists(file))
            {
                throw new AptOstreeException(OSTreeErrorCodes.InvalidKey, $"Remote '{remote.Name}': verification-ed25519-file {file} does not exist.");
            }

            keyTexts.AddRange(File.ReadAllLines(file).Select(l => l.Trim()).Where(l => l.Length > 0));
        }

        if (keyTexts.Count == 0)
        {
            throw new AptOstreeException(OSTreeErrorCodes.InvalidKey, $"Remote '{remote.Name}' requires signature verification but has no verification-ed25519-key or verification-ed25519-file.");
        }

        var keys = new List<byte[]>();
        foreach (var text in keyTexts)
        {
            byte[] key;
            try
            {
                key = Convert.FromBase64String(text);
            }
            catch (FormatException ex)
            {
                throw new AptOstreeException(OSTreeErrorCodes.InvalidKey, $"Remote '{remote.Name}': an ed25519 public key is not base64.", ex);
            }

            keys.Add(key.Length == 32 ? key : throw new AptOstreeException(OSTreeErrorCodes.InvalidKey, $"Remote '{remote.Name}': an ed25519 public key has 32 bytes, not {key.Length}."));
        }

        return new RemoteVerification(commits, summary, keys);
    }

    private static bool SignVerifyEnabled(OstreeRemote remote)
    {
        string? value = remote.Options.GetValueOrDefault("sign-verify")?.Trim();
        if (value is null || IsFalse(value))
        {
            return false;
        }

        if (IsTrue(value))
        {
            return true;
        }

        // Otherwise a list of signature types, as `remote add --sign-verify=TYPE=...` writes it.
        var types = value.Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var unsupported = types.Where(t => t != "ed25519").ToArray();
        return unsupported.Length == 0
            ? types.Length > 0
            : throw new AptOstreeException(OSTreeErrorCodes.RemoteFailed, $"Remote '{remote.Name}': signature type '{unsupported[0]}' is not supported (only ed25519).");
    }

    private static bool ParseBoolean(OstreeRemote remote, string key)
    {
        string? value = remote.Options.GetValueOrDefault(key)?.Trim();
        return value is not null && (IsTrue(value) || (IsFalse(value)
            ? false
            : throw new AptOstreeException(OSTreeErrorCodes.RemoteFailed, $"Remote '{remote.Name}': {key}={value} is not a boolean.")));
    }

    private static bool IsTrue(string value) => value is "true" or "1" or "yes";

    private static bool IsFalse(string value) => value is "false" or "0" or "no";
}
